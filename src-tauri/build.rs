// Every command is declared here so that the capability file really gates it: an undeclared command
// cannot be allowed, and an allowed one cannot be called from a window the capability does not name.
// The list comes from src/command_list.rs, which also feeds the invoke handler; the main window's
// capability is written from it, so the three cannot drift apart.
include!("src/command_list.rs");

macro_rules! command_names {
    ($($module:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

const COMMANDS: &[&str] = hookdesk_commands!(command_names);

/// `capabilities/main.json`: the main window may call these commands and nothing else.
fn capability() -> String {
    let permissions: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("    \"allow-{}\"", c.replace('_', "-")))
        .collect();
    format!(
        "{{\n  \"$schema\": \"../gen/schemas/desktop-schema.json\",\n  \"identifier\": \"main-window\",\n  \
         \"description\": \"The main window may call Hookdesk's own commands and nothing else. Written by \
         build.rs from src/command_list.rs.\",\n  \"windows\": [\n    \"main\"\n  ],\n  \"permissions\": \
         [\n{}\n  ]\n}}\n",
        permissions.join(",\n")
    )
}

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    let path = std::path::Path::new("capabilities/main.json");
    let wanted = capability();
    // Written only when it differs, so an unchanged tree is not rebuilt.
    if std::fs::read_to_string(path).ok().as_deref() != Some(wanted.as_str()) {
        std::fs::write(path, wanted).expect("write capabilities/main.json");
    }
    println!("cargo:rustc-env=HOOKDESK_COMMANDS={}", COMMANDS.join(","));
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
