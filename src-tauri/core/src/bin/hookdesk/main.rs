//! The `hookdesk` command line (README, Command line). Output is JSON with `--json`; errors go to stderr.

mod auth;
mod config;
mod data;
mod delivery;
mod manners;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use hookdesk_core::store::Db;
use hookdesk_core::{Error, Result};
use serde_json::Value;

#[derive(Parser)]
#[command(
    name = "hookdesk",
    version,
    about = "Hookdesk: webhook delivery for restaurants and merchants"
)]
struct Cli {
    /// Data directory shared with the desktop app.
    #[arg(long, global = true, env = "HOOKDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// PostgreSQL database to keep everything in (postgres://user@host:port/db); without it, the
    /// SQLite file in the data directory. The data key stays in the data directory either way.
    #[arg(
        long,
        global = true,
        env = "HOOKDESK_DATABASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    database: Option<String>,
    /// Print JSON (errors as {"code","message","field"} on stderr).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    #[command(flatten)]
    Auth(auth::AuthCmd),
    #[command(flatten)]
    Config(Box<config::ConfigCmd>),
    #[command(flatten)]
    Delivery(delivery::DeliveryCmd),
    #[command(flatten)]
    Data(data::DataCmd),
    /// Version, data directory and schema version.
    Status,
    /// Print a shell completion script (e.g. `hookdesk completions bash > /etc/bash_completion.d/hookdesk`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff), generated from the same definitions as `--help`.
    Man,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[global_allocator]
static ALLOCATOR: hookdesk_core::Allocator = hookdesk_core::Allocator;

fn main() -> ExitCode {
    hookdesk_core::logging::init_or_warn();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return manners::usage_error(e),
    };
    let json = cli.json;
    let chosen = match choose_database(&cli) {
        Ok(()) => run(cli),
        Err(e) => Err(e),
    };
    match chosen {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Error::Db(d) = &e {
                // The driver's words go to the log (HOOKDESK_LOG), never to the answer.
                tracing::error!(kind = ?d.kind(), detail = d.detail(), "database error");
            }
            if json {
                eprintln!(
                    "{}",
                    serde_json::to_string(&e.to_payload()).unwrap_or_default()
                );
            } else {
                eprintln!("error: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Checks `--database` and hands it to every open below through `HOOKDESK_DATABASE_URL`, the one place
/// the core reads it from (README, PostgreSQL).
fn choose_database(cli: &Cli) -> Result<()> {
    match cli.database.as_deref().map(str::trim) {
        None | Some("") => std::env::remove_var(hookdesk_core::store::DATABASE_URL_ENV),
        Some(url) => {
            hookdesk_core::store::DatabaseUrl::parse("database", url)?;
            std::env::set_var(hookdesk_core::store::DATABASE_URL_ENV, url);
        }
    }
    Ok(())
}

fn data_dir(cli: &Cli) -> PathBuf {
    hookdesk_core::paths::resolve_data_dir(cli.data_dir.clone())
}

fn open(cli: &Cli) -> Result<Db> {
    Db::open(&data_dir(cli))
}

/// Prints a command's result: compact JSON with `--json`, indented JSON for people otherwise.
pub fn print(json_out: bool, v: &Value) {
    if json_out {
        println!("{v}");
    } else {
        println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
    }
}

/// Serialises a result value for [`print`].
pub fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Delivery(e.to_string()))
}

fn run(cli: Cli) -> Result<()> {
    match &cli.cmd {
        Cmd::Auth(cmd) => auth::run(cmd, &data_dir(&cli), cli.json),
        Cmd::Config(cmd) => config::run(cmd, &data_dir(&cli), cli.json),
        Cmd::Status => {
            let db = open(&cli)?;
            let now = hookdesk_core::clock::Clock::now_ms(&hookdesk_core::clock::SystemClock);
            let s = hookdesk_core::status::app_status(&db, now)?;
            print(cli.json, &to_json(&s)?);
            Ok(())
        }
        Cmd::Delivery(cmd) => delivery::run(&data_dir(&cli), cli.json, cmd),
        Cmd::Completions { shell } => manners::completions(*shell),
        Cmd::Man => manners::man_page(),
        Cmd::Data(cmd) => data::run(cmd, &data_dir(&cli), cli.json),
    }
}
