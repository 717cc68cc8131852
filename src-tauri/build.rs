// Every command is declared here so that the capability file really gates it: an undeclared command
// cannot be allowed, and an allowed one cannot be called from a window the capability does not name.
const COMMANDS: &[&str] = &["app_status"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
