// Every command is declared here so that the capability file really gates it: an undeclared command
// cannot be allowed, and an allowed one cannot be called from a window the capability does not name.
// `capabilities/main.json` must allow exactly these (checked by a test in src/capability_check.rs).
const COMMANDS: &[&str] = &[
    "app_status",
    "auth_state",
    "setup_admin",
    "sign_in",
    "sign_out",
    "begin_enrollment",
    "confirm_enrollment",
    "unlock",
    "lock",
    "users_list",
    "user_add",
    "user_remove",
    "audit_list",
    "settings_get",
    "settings_set",
    "stores_list",
    "store_save",
    "catalog",
    "hooks_list",
    "hook_get",
    "hook_create",
    "hook_update",
    "hook_delete",
    "hook_set_enabled",
    "hook_reveal_secret",
    "hook_roll_secret",
    "hook_replace_auth",
    "order_webhooks_get",
    "order_webhooks_set",
    "sample_payload",
    "send_test",
    "deliveries_list",
    "delivery_attempts",
    "resend",
    "recover",
    "recover_progress",
    "emit_event",
    "dashboard",
    "close_choice",
    "desktop_settings_get",
    "desktop_settings_set",
];

fn main() {
    println!("cargo:rustc-env=HOOKDESK_COMMANDS={}", COMMANDS.join(","));
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
