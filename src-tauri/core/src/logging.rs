//! Diagnostic logging for the CLI and the app, off unless `HOOKDESK_LOG` asks for it.
//!
//! `HOOKDESK_LOG` takes a level (`trace`, `debug`, `info`, …) or a full filter such as
//! `hookdesk_core=trace,hyper=info`. Lines go to stderr, or to the file named by `HOOKDESK_LOG_FILE`
//! instead: with `--json` stderr carries the machine-readable error, and log lines mixed into it would
//! break scripts that parse it.
//!
//! Nothing logged may carry a secret. Call sites log ids, kinds and counts; values that hold secrets
//! are `domain::Secret`, whose `Debug` and `Display` print `***`, so even a careless `?value` stays masked.

use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::{Error, Result};

pub const LOG_ENV: &str = "HOOKDESK_LOG";
pub const LOG_FILE_ENV: &str = "HOOKDESK_LOG_FILE";

/// Where log lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Stderr,
    File(PathBuf),
}

/// What the environment asks for: `None` when logging is off.
pub fn settings_from_env() -> Result<Option<(EnvFilter, Target)>> {
    let filter = match std::env::var(LOG_ENV) {
        Ok(v) if !v.trim().is_empty() => v,
        _ => return Ok(None),
    };
    let mut filter = EnvFilter::try_new(filter.trim())
        .map_err(|e| Error::invalid(LOG_ENV, format!("not a log level or filter: {e}")))?;
    for directive in crate::store::LOG_DIRECTIVES {
        filter = filter.add_directive(
            directive
                .parse()
                .map_err(|e| Error::invalid(LOG_ENV, format!("{e}")))?,
        );
    }
    let target = match std::env::var_os(LOG_FILE_ENV) {
        Some(p) if !p.is_empty() => Target::File(PathBuf::from(p)),
        _ => Target::Stderr,
    };
    Ok(Some((filter, target)))
}

/// Installs the global subscriber the environment asks for. Does nothing when `HOOKDESK_LOG` is unset,
/// or when a subscriber is already installed (tests, embedding applications).
pub fn init_from_env() -> Result<()> {
    let Some((filter, target)) = settings_from_env()? else {
        return Ok(());
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false);
    let installed = match target {
        Target::Stderr => builder.with_writer(std::io::stderr).try_init(),
        Target::File(path) => {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| {
                    Error::invalid(
                        LOG_FILE_ENV,
                        format!("{} cannot be opened for writing: {e}", path.display()),
                    )
                })?;
            builder.with_writer(Mutex::new(file)).try_init()
        }
    };
    // A subscriber set up earlier by the host wins; ours is only a convenience.
    drop(installed);
    Ok(())
}

/// For `main`: a broken logging setting must not stop the program, so it is reported and logging stays off.
pub fn init_or_warn() {
    if let Err(e) = init_from_env() {
        eprintln!("hookdesk: logging is off: {e}");
    }
}
