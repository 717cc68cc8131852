//! The window's TypeScript types, generated from the Rust types that cross the IPC (README, "The IPC
//! contract"). `ui/src/lib/gen/ipc.ts` is checked in and is the only TypeScript description of the
//! commands' arguments and answers. The test below fails when the file differs from what the Rust types
//! say now; with `HOOKDESK_WRITE_IPC_TYPES=1` it writes the file instead (`make ipc-types`).

use std::collections::BTreeSet;

use ts_rs::{Config, Dependency, TS};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/gen/ipc.ts");

struct Decl {
    name: String,
    text: String,
    deps: Vec<Dependency>,
}

fn decl<T: TS + 'static>(cfg: &Config) -> Decl {
    let mut text = String::new();
    if let Some(docs) = T::docs() {
        text.push_str(&docs);
    }
    text.push_str("export ");
    text.push_str(&T::decl(cfg));
    Decl {
        name: T::ident(cfg),
        text,
        deps: T::dependencies(cfg),
    }
}

macro_rules! decls {
    ($cfg:expr; $($t:ty),* $(,)?) => {
        vec![$(decl::<$t>($cfg)),*]
    };
}

macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every type a command takes or answers with, and the types they name.
fn all(cfg: &Config) -> Vec<Decl> {
    use crate::commands::{account, auth, config, data, delivery, files, tokens, IpcError};
    use hookdesk_core as core;
    decls![cfg;
        core::ErrorCode,
        IpcError,
        core::status::AppStatus,
        core::store::workers::WorkerRow,
        core::auth::Role,
        core::auth::UserView,
        core::auth::SessionView,
        auth::AuthState,
        auth::EnrollmentView,
        auth::Settings,
        account::RecoveryCodes,
        core::store::audit::AuditEntry,
        core::storage_health::StorageProblem,
        core::store::retention::DbSize,
        data::DataSettings,
        core::data::backup::BackupReport,
        core::config::desktop::DesktopSettings,
        core::config::views::StoreView,
        core::domain::StoreInput,
        core::catalog::Family,
        core::catalog::AppType,
        core::catalog::EventType,
        core::catalog::CatalogEvent,
        core::catalog::CatalogFamily,
        core::domain::RetryPreset,
        core::domain::Secret,
        core::domain::KeySource,
        core::domain::StoreId,
        core::domain::AuthInput,
        core::domain::SignatureInput,
        core::domain::HookInput,
        core::config::views::AuthView,
        core::config::views::SignatureView,
        core::config::views::HookStatus,
        core::config::views::RevealedSecret,
        core::config::views::HookView,
        config::HookListFilter,
        core::config::views::UrlToggleView,
        core::config::views::OrderWebhooksView,
        core::domain::UrlTogglePatch,
        core::domain::OrderWebhooksPatch,
        core::delivery::log::DeliveryStatus,
        core::delivery::log::Trigger,
        core::delivery::log::AttemptErrorView,
        core::delivery::log::AttemptView,
        core::delivery::log::DeliveryView,
        delivery::DeliveryFilter,
        delivery::EventData,
        delivery::Resent,
        delivery::RecoverProgress,
        delivery::RecoverStarted,
        delivery::Emitted,
        core::delivery::log::stats::Bucket,
        core::delivery::log::stats::HookStats,
        core::alerts::AlertKind,
        core::alerts::Alert,
        files::SavedFile,
        core::auth::tokens::TokenView,
        tokens::CreatedToken,
    ]
}

fn render() -> String {
    // Milliseconds since the epoch and row ids fit a JavaScript number exactly.
    let cfg = Config::new().with_large_int("number");
    let decls = all(&cfg);
    let declared: BTreeSet<&str> = decls.iter().map(|d| d.name.as_str()).collect();
    for d in &decls {
        for dep in &d.deps {
            assert!(
                declared.contains(dep.ts_name.as_str()),
                "{} names {}, which is not in the list in src/ipc_types.rs",
                d.name,
                dep.ts_name
            );
        }
    }
    let commands: &[&str] = hookdesk_commands!(command_names);
    let mut out = String::from(
        "// Generated from the Rust types by `make ipc-types` (src-tauri/src/ipc_types.rs); do not edit.\n\n",
    );
    out.push_str("/** Every command the window may call (src-tauri/src/command_list.rs). */\n");
    out.push_str("export type Command =\n");
    for c in commands {
        out.push_str(&format!("  | \"{c}\"\n"));
    }
    out.push_str(";\n");
    for d in decls {
        out.push('\n');
        out.push_str(&d.text);
        out.push('\n');
    }
    out
}

#[test]
fn ipc_types_match_the_rust_types() {
    let wanted = render();
    if std::env::var_os("HOOKDESK_WRITE_IPC_TYPES").is_some() {
        let dir = std::path::Path::new(FILE)
            .parent()
            .expect("a parent folder");
        std::fs::create_dir_all(dir).expect("create ui/src/lib/gen");
        std::fs::write(FILE, &wanted).expect("write ui/src/lib/gen/ipc.ts");
        return;
    }
    let found = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        found == wanted,
        "ui/src/lib/gen/ipc.ts is out of date with the Rust types: run `make ipc-types` and commit it"
    );
}
