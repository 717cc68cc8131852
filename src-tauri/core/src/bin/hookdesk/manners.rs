//! What the command line does besides its commands: usage errors in the same shape as every other error,
//! shell completions and the manual page, all from the one clap definition in `main.rs`.

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::CommandFactory;
use hookdesk_core::{ErrorPayload, Result};

use crate::{Cli, Shell};

/// Usage errors exit with 2, as clap's own do.
const USAGE_EXIT: u8 = 2;

/// Whether `--json` is among the arguments. Parsing failed, so the flag is looked for by hand; it is
/// global and may come before or after the subcommand, but not after `--`.
fn wants_json(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    args.into_iter()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// The flag or argument a usage error is about, without dashes and value names (`open` for
/// `--open <on|off>`), or the subcommand clap did not know.
fn field(e: &clap::Error) -> Option<String> {
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    let raw = text(ContextKind::InvalidArg).or_else(|| text(ContextKind::InvalidSubcommand))?;
    let name = raw
        .split([' ', '=', '<'])
        .next()
        .unwrap_or("")
        .trim_start_matches('-');
    (!name.is_empty()).then(|| name.to_string())
}

/// The first line of clap's message without its `error: ` prefix.
fn message(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let first = rendered.lines().next().unwrap_or("invalid usage");
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

pub fn usage_payload(e: &clap::Error) -> ErrorPayload {
    ErrorPayload {
        code: "usage".into(),
        message: message(e),
        field: field(e),
    }
}

/// `--help` and `--version` print as usual; every other parse failure is a usage error, as JSON on
/// stderr with `--json`.
pub fn usage_error(e: clap::Error) -> ExitCode {
    let informational = matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if informational || !wants_json(std::env::args_os()) {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { USAGE_EXIT } else { 0 });
    }
    eprintln!(
        "{}",
        serde_json::to_string(&usage_payload(&e)).unwrap_or_default()
    );
    ExitCode::from(USAGE_EXIT)
}

pub fn completions(shell: Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let out = &mut std::io::stdout();
    match shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "hookdesk", out)
        }
        Shell::Zsh => clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "hookdesk", out),
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "hookdesk", out)
        }
    }
    Ok(())
}

pub fn man_page() -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Every flag and argument of every subcommand, found by walking the command tree, needs a help line;
    /// a flag a later change adds without one fails here.
    #[test]
    fn every_flag_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>, seen: &mut usize) {
            for arg in cmd.get_arguments() {
                if arg.is_hide_set() {
                    continue;
                }
                *seen += 1;
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    missing.push(format!("{path} {}", arg.get_id()));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {} (no description)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing, seen);
            }
        }
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let (mut missing, mut seen) = (Vec::new(), 0);
        walk(&cmd, "hookdesk", &mut missing, &mut seen);
        assert!(
            seen > 50,
            "only {seen} arguments found: is the walk broken?"
        );
        assert!(missing.is_empty(), "without help text: {missing:#?}");
    }

    #[test]
    fn json_is_found_before_or_after_the_subcommand_but_not_after_dashes() {
        let args = |v: &[&str]| v.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        assert!(wants_json(args(&["hookdesk", "--json", "hook", "list"])));
        assert!(wants_json(args(&["hookdesk", "hook", "list", "--json"])));
        assert!(!wants_json(args(&["hookdesk", "hook", "list"])));
        assert!(!wants_json(args(&["hookdesk", "--", "--json"])));
    }

    #[test]
    fn usage_errors_name_their_field() {
        let e = Cli::try_parse_from([
            "hookdesk",
            "order-webhooks",
            "set",
            "--store",
            "s",
            "--open",
            "maybe",
        ])
        .err()
        .expect("a bad value");
        let p = usage_payload(&e);
        assert_eq!(p.code, "usage");
        assert_eq!(p.field.as_deref(), Some("open"));
        assert!(p.message.contains("maybe"), "{}", p.message);
        let e = Cli::try_parse_from(["hookdesk", "hook", "list", "--bogus"])
            .err()
            .expect("an unknown flag");
        assert_eq!(usage_payload(&e).field.as_deref(), Some("bogus"));
        let e = Cli::try_parse_from(["hookdesk", "frobnicate"])
            .err()
            .expect("an unknown command");
        assert_eq!(usage_payload(&e).field.as_deref(), Some("frobnicate"));
    }
}
