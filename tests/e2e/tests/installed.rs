//! The app an installed package put on the machine (`make dist-test` sets HOOKDESK_E2E_APP to it):
//! it opens its window and reads a fresh data directory, with nothing from the build tree.

use hookdesk_e2e::{app_binary, App};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "run by make dist-test against the installed package"]
async fn the_installed_app_opens_its_window() {
    assert!(
        app_binary().starts_with("/usr"),
        "HOOKDESK_E2E_APP must name the installed app, not {}",
        app_binary().display()
    );
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    assert_eq!(app.client.title().await.unwrap(), "Hookdesk");
    let dir = app.text("#status-data-dir").await;
    assert_eq!(dir, data.path().display().to_string());
    app.wait_for("#setup-name").await;
    app.screenshot("installed-app.png").await;
    app.close().await;
}
