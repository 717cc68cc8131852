//! `hookdesk retention`, `prune`, `backup`, `restore` and `migrate`: keeping the data directory bounded
//! and safe, and moving it into a shared database.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use hookdesk_core::auth::Permission;
use hookdesk_core::clock::{parse_rfc3339, SystemClock};
use hookdesk_core::crypto::system_key_store;
use hookdesk_core::data::{backup, key_export, migrate, retention};
use hookdesk_core::store::DatabaseUrl;
use hookdesk_core::{Ctx, Result};

use super::auth::session_actor;
use super::{print, to_json};

#[derive(Subcommand)]
pub enum DataCmd {
    /// How long finished deliveries are kept before the engine prunes them.
    #[command(subcommand)]
    Retention(RetentionCmd),
    /// Prune finished deliveries (succeeded or dead), their attempts and unreferenced events now (admin).
    Prune {
        /// Prune what finished before this time (RFC 3339, e.g. 2026-01-31T00:00:00Z); default: the
        /// retention period before now.
        #[arg(long, value_name = "RFC3339")]
        before: Option<String>,
    },
    /// Write a consistent copy of the database to FILE while the app or `serve` keeps running; secrets
    /// stay encrypted (the data key is not in the backup).
    Backup {
        /// The backup file to create; an existing file is refused.
        file: PathBuf,
    },
    /// Restore a backup into the data directory given by --data-dir, which must be new or empty; the
    /// data key (HOOKDESK_MASTER_KEY or --key-file) must be the key the backup was written with.
    Restore {
        /// The backup file written by `hookdesk backup`.
        file: PathBuf,
        /// The data key file of the data directory the backup came from (its data.key); copied into the
        /// new data directory.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// The data key, for the other machines of a team.
    #[command(subcommand)]
    Key(KeyCmd),
    /// Copy this data directory's SQLite data into an empty PostgreSQL database (admin); stop the app
    /// and `hookdesk serve` first. Afterwards run everything with --database URL.
    Migrate {
        /// The PostgreSQL database to copy into (postgres://user@host:port/db).
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Print the data key once (admin, audited), to give to another machine of the team as
    /// HOOKDESK_MASTER_KEY or as the data.key file of its data directory.
    Export {
        /// A current two-factor code of the admin running the command.
        #[arg(long)]
        code: String,
    },
}

#[derive(Subcommand)]
pub enum RetentionCmd {
    /// Print the retention period in days.
    Show,
    /// Set the retention period (admin).
    Set {
        /// Days to keep finished deliveries, 1 to 3650 (default 30).
        #[arg(long)]
        days: i64,
    },
}

pub fn run(cmd: &DataCmd, data_dir: &Path, json_out: bool) -> Result<()> {
    let out = match cmd {
        // The one command that must not open (and so create) the data directory first.
        DataCmd::Restore { file, key_file } => {
            let store = system_key_store();
            to_json(&backup::restore(
                data_dir,
                file,
                key_file.as_deref(),
                store.as_ref(),
            )?)?
        }
        // The source is the data directory's SQLite file, whatever --database says.
        DataCmd::Migrate { to } => migrate_cmd(data_dir, to)?,
        other => with_ctx(other, &Ctx::open(data_dir)?)?,
    };
    print(json_out, &out);
    Ok(())
}

fn with_ctx(cmd: &DataCmd, ctx: &Ctx) -> Result<serde_json::Value> {
    Ok(match cmd {
        DataCmd::Retention(RetentionCmd::Show) => {
            let actor = session_actor(ctx, Permission::ReadLogs)?;
            to_json(&retention::show(ctx, &actor)?)?
        }
        DataCmd::Retention(RetentionCmd::Set { days }) => {
            let actor = session_actor(ctx, Permission::ManageSettings)?;
            to_json(&retention::set(ctx, &actor, *days)?)?
        }
        DataCmd::Prune { before } => {
            let actor = session_actor(ctx, Permission::ManageSettings)?;
            let before = before
                .as_deref()
                .map(|b| parse_rfc3339("before", b))
                .transpose()?;
            to_json(&retention::prune_now(ctx, &actor, before)?)?
        }
        DataCmd::Backup { file } => to_json(&backup::backup(ctx, file, false)?)?,
        DataCmd::Key(KeyCmd::Export { code }) => {
            let actor = session_actor(ctx, Permission::ManageSettings)?;
            let key = key_export::export(ctx, &actor, Some(code))?;
            serde_json::json!({ "key": key.expose() })
        }
        DataCmd::Migrate { to } => migrate_cmd(ctx.db.data_dir(), to)?,
        DataCmd::Restore { file, key_file } => {
            let store = system_key_store();
            to_json(&backup::restore(
                ctx.db.data_dir(),
                file,
                key_file.as_deref(),
                store.as_ref(),
            )?)?
        }
    })
}

fn migrate_cmd(data_dir: &Path, to: &str) -> Result<serde_json::Value> {
    let target = DatabaseUrl::parse("to", to)?;
    let keys = system_key_store();
    let source = migrate::open_source(data_dir, Arc::new(SystemClock), keys.as_ref())?;
    let actor = session_actor(&source, Permission::ManageSettings)?;
    to_json(&migrate::migrate_to(&source, &actor, &target)?)
}
