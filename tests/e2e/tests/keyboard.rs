//! The hook modal driven by the keyboard alone: after sign-in every step is a WebDriver key event (Tab,
//! Shift+Tab, Enter, Space, Esc, typed text), never a click, so a dialog that loses focus, lets Tab escape
//! or ignores Esc fails here.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use hookdesk_e2e::App;
use serde_json::json;
use std::time::{Duration, Instant};

/// Presses the keys together (modifiers first) and releases them in reverse order.
async fn chord(app: &App, keys: &[char]) {
    let mut seq = KeyActions::new("keyboard".into());
    for &k in keys {
        seq = seq.then(KeyAction::Down { value: k });
    }
    for &k in keys.iter().rev() {
        seq = seq.then(KeyAction::Up { value: k });
    }
    app.client
        .perform_actions(seq)
        .await
        .unwrap_or_else(|e| panic!("keys {keys:?}: {e}"));
}

async fn press(app: &App, key: Key) {
    chord(app, &[key.into()]).await;
}

async fn type_text(app: &App, text: &str) {
    let mut seq = KeyActions::new("keyboard".into());
    for c in text.chars() {
        seq = seq
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    app.client
        .perform_actions(seq)
        .await
        .unwrap_or_else(|e| panic!("typing {text:?}: {e}"));
}

/// What has focus, for failure messages: `#id`, else the tag and classes.
async fn focused(app: &App) -> String {
    let v = app
        .client
        .execute(
            "const e = document.activeElement;
             if (!e) return 'nothing';
             return e.id ? '#' + e.id : e.tagName.toLowerCase() + '.' + (e.className || '');",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("reading focus: {e}"));
    v.as_str().unwrap_or_default().to_string()
}

async fn focus_is(app: &App, css: &str) -> bool {
    app.client
        .execute(
            "const e = document.activeElement; return !!e && e.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await
        .map(|v| v == json!(true))
        .unwrap_or(false)
}

/// Waits for focus to land on `css` by itself (a dialog opening or closing moves it).
async fn wait_focus(app: &App, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !focus_is(app, css).await {
        assert!(
            Instant::now() < deadline,
            "focus never reached {css}; it is on {}",
            focused(app).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Tabs (or Shift+Tabs) until `css` has focus, as a person would; fails after `max` presses.
async fn tab_to(app: &App, css: &str, backwards: bool, max: usize) {
    for _ in 0..max {
        if focus_is(app, css).await {
            return;
        }
        if backwards {
            chord(app, &[Key::Shift.into(), Key::Tab.into()]).await;
        } else {
            press(app, Key::Tab).await;
        }
    }
    assert!(
        focus_is(app, css).await,
        "{max} presses of {} never reached {css}; focus is on {}",
        if backwards { "Shift+Tab" } else { "Tab" },
        focused(app).await
    );
}

/// Asserts focus is inside the hook modal (Tab never leaves an open dialog).
async fn assert_focus_in_modal(app: &App, modal: &str) {
    let inside = app
        .client
        .execute(
            "const m = document.querySelector(arguments[0]);
             return !!m && m.contains(document.activeElement);",
            vec![json!(modal)],
        )
        .await
        .unwrap_or_else(|e| panic!("reading focus: {e}"));
    assert_eq!(
        inside,
        json!(true),
        "focus left {modal}: {}",
        focused(app).await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn add_edit_and_delete_a_hook_with_the_keyboard_alone() {
    let data = tempfile::tempdir().unwrap();
    let app = App::launch(data.path()).await;
    app.first_run().await;

    // From here on: keys only.
    tab_to(&app, "nav button[data-screen='hooks']", false, 30).await;
    press(&app, Key::Enter).await;
    app.wait_for("#add-hook").await;
    tab_to(&app, "#add-hook", false, 30).await;
    press(&app, Key::Enter).await;

    // Add: focus starts in the first field.
    app.wait_for("#hook-modal").await;
    wait_focus(&app, "#hook-label").await;
    type_text(&app, "Cart sync").await;
    press(&app, Key::Tab).await;
    wait_focus(&app, "#hook-url").await;
    type_text(&app, "ftp://nope").await;
    press(&app, Key::Tab).await;
    wait_focus(&app, "#hook-events-filter").await;
    type_text(&app, "transaction.sale.success").await;
    tab_to(
        &app,
        "input.hook-event[value='transaction.sale.success']",
        false,
        5,
    )
    .await;
    press(&app, Key::Space).await;
    tab_to(&app, "#hook-submit", false, 40).await;
    press(&app, Key::Enter).await;

    // The URL error is announced: the input is marked invalid and described by the error's text.
    let err = app
        .wait_text(".field-error[data-field='url']", |t| !t.is_empty())
        .await;
    assert_eq!(
        app.attr("#hook-url", "aria-invalid").await.as_deref(),
        Some("true")
    );
    let described = app
        .attr("#hook-url", "aria-describedby")
        .await
        .expect("the URL input names its error");
    let linked = app.text(&format!("#{described}")).await;
    assert_eq!(linked, err, "aria-describedby points elsewhere");
    assert_eq!(app.count(".hook-row").await, 0, "an invalid hook was saved");

    tab_to(&app, "#hook-url", true, 40).await;
    chord(&app, &[Key::Control.into(), 'a']).await;
    type_text(&app, "https://cart.example.com/hooks").await;
    assert_eq!(
        app.value("#hook-url").await,
        "https://cart.example.com/hooks"
    );
    tab_to(&app, "#hook-submit", false, 40).await;
    press(&app, Key::Enter).await;
    app.wait_count(".hook-row", 1).await;
    app.wait_count("#hook-modal", 0).await;
    // Focus is back on the control that opened the dialog.
    wait_focus(&app, "#add-hook").await;
    assert!(app.text(".hook-row").await.contains("Cart sync"));

    // Edit: the row's label opens the editor.
    tab_to(&app, ".hook-row .hook-open", false, 10).await;
    press(&app, Key::Enter).await;
    app.wait_for("#hook-modal").await;
    wait_focus(&app, "#hook-label").await;
    // Tab and Shift+Tab wrap around inside the dialog.
    chord(&app, &[Key::Shift.into(), Key::Tab.into()]).await;
    wait_focus(&app, "#hook-submit").await;
    press(&app, Key::Tab).await;
    wait_focus(&app, "#hook-label").await;
    for _ in 0..80 {
        press(&app, Key::Tab).await;
        assert_focus_in_modal(&app, "#hook-modal").await;
    }
    tab_to(&app, "#hook-label", false, 80).await;
    press(&app, Key::End).await;
    type_text(&app, " v2").await;

    // Esc with unsaved changes asks first; Esc on the question goes back to editing, focus and all.
    press(&app, Key::Escape).await;
    app.wait_for("#confirm-modal").await;
    wait_focus(&app, "#confirm-no").await;
    press(&app, Key::Escape).await;
    app.wait_count("#confirm-modal", 0).await;
    assert_eq!(app.count("#hook-modal").await, 1, "Esc closed the form too");
    wait_focus(&app, "#hook-label").await;
    assert_eq!(app.value("#hook-label").await, "Cart sync v2");

    chord(&app, &[Key::Shift.into(), Key::Tab.into()]).await;
    wait_focus(&app, "#hook-submit").await;
    press(&app, Key::Enter).await;
    app.wait_count("#hook-modal", 0).await;
    wait_focus(&app, ".hook-row .hook-open").await;
    app.wait_text(".hook-row .hook-open", |t| t == "Cart sync v2")
        .await;

    // Abandon: Esc, then Abandon Changes; the saved label stays.
    press(&app, Key::Enter).await;
    wait_focus(&app, "#hook-label").await;
    type_text(&app, " draft").await;
    press(&app, Key::Escape).await;
    wait_focus(&app, "#confirm-no").await;
    press(&app, Key::Tab).await;
    wait_focus(&app, "#confirm-yes").await;
    assert_eq!(app.text("#confirm-yes").await, "Abandon Changes");
    press(&app, Key::Enter).await;
    app.wait_count("#hook-modal", 0).await;
    wait_focus(&app, ".hook-row .hook-open").await;
    assert_eq!(app.text(".hook-row .hook-open").await, "Cart sync v2");

    // Nothing changed: Esc closes at once.
    press(&app, Key::Enter).await;
    wait_focus(&app, "#hook-label").await;
    press(&app, Key::Escape).await;
    app.wait_count("#hook-modal", 0).await;
    assert_eq!(app.count("#confirm-modal").await, 0);
    wait_focus(&app, ".hook-row .hook-open").await;

    // Delete, through its confirmation.
    press(&app, Key::Enter).await;
    wait_focus(&app, "#hook-label").await;
    tab_to(&app, "#hook-delete", true, 10).await;
    press(&app, Key::Enter).await;
    app.wait_for("#confirm-modal").await;
    wait_focus(&app, "#confirm-no").await;
    press(&app, Key::Tab).await;
    wait_focus(&app, "#confirm-yes").await;
    press(&app, Key::Enter).await;
    app.wait_count(".hook-row", 0).await;
    app.wait_count("#hook-modal", 0).await;
    app.close().await;
}
