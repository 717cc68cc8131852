//! Every screen at the window's minimum size (900×600, `minWidth`/`minHeight` in tauri.conf.json), filled
//! with long labels, URLs and log rows: the page never scrolls sideways, nothing sticks out past the
//! window's right edge, and a table wider than its column scrolls inside its own container.

use hookdesk_e2e::{cli, cli_emit_sale, cli_session, App, ADMIN_PASSWORD};
use serde_json::json;
use std::time::Duration;

const WIDTH: u32 = 900;
const HEIGHT: u32 = 600;

/// Reports what does not fit: a sideways scroll of the page or of the main area, an element whose box
/// ends past the window's right edge without a scrolling container to reach it by, a table wider than
/// its container with nothing to scroll it.
const PROBE: &str = r#"
const vw = window.innerWidth;
const problems = [];
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
  (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '');
const scroller = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX;
    if ((o === 'auto' || o === 'scroll') && p.tagName !== 'MAIN') return p;
  }
  return null;
};
const root = document.documentElement;
if (root.scrollWidth > vw) problems.push(`page scrolls sideways: ${root.scrollWidth} > ${vw}`);
const main = document.querySelector('main');
if (main && main.scrollWidth > main.clientWidth + 1)
  problems.push(`main scrolls sideways: ${main.scrollWidth} > ${main.clientWidth}`);
for (const t of document.querySelectorAll('table')) {
  const box = t.parentElement;
  if (box && t.getBoundingClientRect().width > box.clientWidth + 1 && !scroller(t))
    problems.push(`${name(t)} is wider than ${name(box)} and nothing scrolls it`);
}
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
  if (r.right > vw + 1 && !scroller(el)) problems.push(`${name(el)} ends at ${Math.round(r.right)} px`);
}
return { problems: problems.slice(0, 12), width: vw, height: window.innerHeight };
"#;

async fn probe(app: &App, screen: &str, found: &mut Vec<String>) {
    // Let the screen load its data and lay it out.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let out = app
        .client
        .execute(PROBE, vec![])
        .await
        .unwrap_or_else(|e| panic!("probe on {screen}: {e}"));
    assert_eq!(
        (&out["width"], &out["height"]),
        (&json!(WIDTH), &json!(HEIGHT)),
        "the window is not at its minimum size on {screen}"
    );
    let problems = out["problems"].as_array().cloned().unwrap_or_default();
    if !problems.is_empty() {
        app.screenshot(&format!("small-{}.png", screen.replace(' ', "-")))
            .await;
    }
    found.extend(
        problems
            .iter()
            .map(|p| format!("{screen}: {}", p.as_str().unwrap_or_default())),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_fits_the_minimum_window() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.client
        .set_window_size(WIDTH, HEIGHT)
        .await
        .expect("resize the window");
    let mut found = Vec::new();

    probe(&app, "first run", &mut found).await;
    let enrolled = app.first_run().await;

    // Long, realistic content: what breaks a layout is a long URL or label, not an empty table.
    let session = cli_session(data.path(), &enrolled.recovery_codes[0]);
    let as_admin = [("HOOKDESK_SESSION", session.as_str())];
    cli(
        data.path(),
        &[
            "store",
            "add",
            "store-1",
            "--name",
            "Harbor Street Kitchen & Bar (downtown, second floor)",
        ],
        None,
        &as_admin,
    );
    for (label, url) in [
        ("Payments reconciliation for the downtown merchant account", "https://payments-reconciliation.partner-integrations.example.com/v2/webhooks/merchant-events/incoming"),
        ("POS bridge", "https://pos.example.com/hooks/orders"),
    ] {
        cli(
            data.path(),
            &["hook", "add", "--label", label, "--url", url, "--event", "transaction.sale.success", "--all-stores"],
            None,
            &as_admin,
        );
    }
    for n in 0..3 {
        cli_emit_sale(data.path(), &session, &format!("small-window-{n}"));
    }
    cli(
        data.path(),
        &[
            "user",
            "add",
            "support-sam",
            "--role",
            "support",
            "--password-stdin",
        ],
        Some(ADMIN_PASSWORD),
        &as_admin,
    );

    for (nav, screen) in [
        ("Stores", "stores"),
        ("Webhooks", "webhooks"),
        ("Integration Hub", "hub"),
        ("Delivery log", "delivery log"),
        ("Dashboard", "dashboard"),
        ("Users", "users"),
        ("Audit log", "audit log"),
        ("Settings", "settings"),
        ("Security", "security"),
    ] {
        app.go(nav).await;
        probe(&app, screen, &mut found).await;
    }

    // The widest dialog, the hook editor.
    app.go("Webhooks").await;
    app.click(".hook-row .hook-open").await;
    app.wait_for("#hook-modal").await;
    probe(&app, "hook modal", &mut found).await;
    app.click("#hook-close").await;
    app.wait_count("#hook-modal", 0).await;

    // The receivers do not exist, so the engine has raised its "failed for good" banners; they sit over
    // the top bar until dismissed.
    while app.count(".alert-dismiss").await > 0 {
        app.click(".alert-dismiss").await;
    }

    // A refused save scrolls the first error into view, even when it sits at the top of a long form
    // that was scrolled to its end (at 900×600 the form is taller than the window).
    app.click("#add-hook").await;
    app.wait_for("#hook-modal").await;
    app.client
        .execute(
            "document.querySelector('#hook-modal').closest('.backdrop').scrollTop = 100000;",
            vec![],
        )
        .await
        .unwrap();
    app.click("#hook-submit").await;
    app.wait_for("#hook-modal .field-error").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let seen = app
        .client
        .execute(
            "const r = document.querySelector('#hook-modal .field-error').getBoundingClientRect();
             return r.top >= 0 && r.bottom <= window.innerHeight;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        seen,
        serde_json::json!(true),
        "the first error is off screen"
    );
    app.click("#hook-close").await;
    app.wait_count("#hook-modal", 0).await;

    app.click("#lock-button").await;
    app.wait_for("#unlock-code").await;
    probe(&app, "unlock", &mut found).await;

    // A user without two-factor signs in to the enrollment screen (QR code and key).
    app.click("#signout-button").await;
    app.wait_for("#signin-name").await;
    probe(&app, "sign in", &mut found).await;
    app.fill("#signin-name", "support-sam").await;
    app.fill("#signin-password", ADMIN_PASSWORD).await;
    app.click("#signin-submit").await;
    app.wait_for("#enroll-qr").await;
    probe(&app, "enrollment", &mut found).await;

    assert!(
        found.is_empty(),
        "at {WIDTH}×{HEIGHT}:\n{}",
        found.join("\n")
    );
    app.close().await;
}
