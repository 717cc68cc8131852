//! The window stays responsive while the app works hard: every command runs off the main thread
//! (README, "The IPC contract"), so `status` round trips through the page's own IPC stay under
//! 100 ms while the engine inside the app drains 5,000 deliveries to a real receiver on 127.0.0.1, and
//! while another user's sign-in hashes a password.

use std::time::{Duration, Instant};

use hookdesk_e2e::{
    cli, cli_emit_sale, cli_first_run, cli_session, free_port, next_totp_step, totp_now, App,
    Receiver, ADMIN, ADMIN_PASSWORD,
};
use serde_json::{json, Value};

const EVENTS: usize = 5_000;
/// The bound every round trip is held to, but one in a hundred: on a 2-core machine shared with
/// builds, a single call now and then loses the CPU for a scheduler slice (one of 280 took 160 ms in
/// a `make test` beside a compile). A window frozen by work on its main thread fails both bounds: no
/// call is answered while it is held (see the overlap check below), and the one waiting answers late.
const LIMIT_MS: f64 = 100.0;
/// No round trip at all may take this long: that is a freeze, not a hiccup.
const FREEZE_MS: f64 = 500.0;
const OTHER: &str = "sam";
const OTHER_PASSWORD: &str = "sam canary password";

/// Starts queuing `n` sale events through the page's IPC (eight calls in flight) and returns at once;
/// `window.__queue` tells how far it got.
const QUEUE_EVENTS: &str = "const [n, done] = arguments;
    const q = window.__queue = {queued: 0, failed: 0, error: null, finished: false};
    let next = 0;
    const worker = async () => {
        while (next < n) {
            const i = next++;
            try {
                await window.__TAURI_INTERNALS__.invoke('emit_event', {
                    eventType: 'transaction.sale.success', store: 'store-1',
                    data: {type: 'transaction', key: 'drain-' + i, amount_detail: {amount: '1.00'}},
                });
                q.queued++;
            } catch (e) { q.failed++; q.error = e; }
        }
    };
    Promise.all(Array.from({length: 8}, worker)).then(() => { q.finished = true; });
    done(true);";

/// Times `app_status` round trips, one after another with `gap` ms between them (at least `min` of
/// them, at most `max`). Given a `signIn` ({name, password}), the same script starts that sign-in first
/// and times status only until it has answered, so the two overlap from the first call.
/// Returns the times in ms.
const TIME_STATUS: &str = "const [min, max, gap, signIn, done] = arguments;
    const s = window.__signin = {done: false, error: null};
    if (signIn) {
        window.__TAURI_INTERNALS__.invoke('sign_in', signIn)
            .then(() => { s.done = true; }, e => { s.error = e; s.done = true; });
    }
    const stop = () => signIn !== null && s.done;
    const times = [];
    (async () => {
        while (times.length < max && (times.length < min || !stop())) {
            const t0 = performance.now();
            try { await window.__TAURI_INTERNALS__.invoke('app_status'); }
            catch (e) { done({error: e, times}); return; }
            times.push(performance.now() - t0);
            await new Promise(r => setTimeout(r, gap));
        }
        done({times});
    })();";

async fn time_status(app: &App, min: u32, max: u32, gap_ms: u32, sign_in: Value) -> Vec<f64> {
    let out = app
        .client
        .execute_async(
            TIME_STATUS,
            vec![json!(min), json!(max), json!(gap_ms), sign_in],
        )
        .await
        .expect("status timing script");
    assert!(out.get("error").is_none(), "status failed: {out}");
    out["times"]
        .as_array()
        .expect("times")
        .iter()
        .filter_map(Value::as_f64)
        .collect()
}

fn summary(times: &[f64]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pick = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    format!(
        "{} round trips, median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        sorted.len(),
        pick(0.5),
        pick(0.95),
        pick(1.0)
    )
}

/// The store the events go to (a merchant key: the merchant family's envelope names it).
fn add_store(dir: &std::path::Path, env: &[(&str, &str)]) {
    cli(
        dir,
        &[
            "store",
            "add",
            "store-1",
            "--name",
            "Downtown",
            "--merch-key",
            "7qwnw4j2kmqvrb3",
        ],
        None,
        env,
    );
}

/// A hook for sale events to a receiver on 127.0.0.1: the private-network opt-in needs a fresh code,
/// so this waits for the next TOTP step first. Returns the hook as the CLI printed it.
async fn add_loopback_hook(
    dir: &std::path::Path,
    env: &[(&str, &str)],
    secret: &str,
    url: &str,
    more: &[&str],
) -> Value {
    next_totp_step().await;
    let code = totp_now(secret);
    let mut args = vec![
        "hook",
        "add",
        "--label",
        "Loopback",
        "--url",
        url,
        "--event",
        "transaction.sale.success",
        "--all-stores",
        "--allow-private-network",
        "--code",
        &code,
    ];
    args.extend_from_slice(more);
    cli(dir, &args, None, env)
}

#[tokio::test(flavor = "multi_thread")]
async fn status_answers_within_100ms_while_the_engine_drains_and_a_password_hashes() {
    let receiver = Receiver::start_with(200, Duration::from_millis(20)).await;
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let enrolled = cli_first_run(dir);
    let (secret, codes) = (enrolled.secret, enrolled.recovery_codes);
    let session = cli_session(dir, &codes[0]);
    let env = [("HOOKDESK_SESSION", session.as_str())];
    add_store(dir, &env);
    cli(
        dir,
        &[
            "user",
            "add",
            OTHER,
            "--role",
            "support",
            "--password-stdin",
        ],
        Some(OTHER_PASSWORD),
        &env,
    );
    add_loopback_hook(
        dir,
        &env,
        &secret,
        &format!("http://{}/drain", receiver.addr),
        &[],
    )
    .await;

    let app = App::launch(dir).await;
    app.fill("#signin-name", ADMIN).await;
    app.fill("#signin-password", ADMIN_PASSWORD).await;
    app.click("#signin-submit").await;
    app.unlock_with_recovery(&codes[1]).await;

    // The engine drains while the events are still being queued: time status all along.
    app.client
        .execute_async(QUEUE_EVENTS, vec![json!(EVENTS)])
        .await
        .expect("start queuing");
    let started = Instant::now();
    let mut draining = Vec::new();
    let mut batches_while_draining = 0;
    loop {
        let before = receiver.received().len();
        let times = time_status(&app, 20, 20, 25, Value::Null).await;
        let after = receiver.received().len();
        // Only batches during which the receiver was still being delivered to count as "while draining".
        if after > before && before < EVENTS {
            batches_while_draining += 1;
            draining.extend(times);
        }
        let queue = app
            .client
            .execute("return window.__queue", vec![])
            .await
            .expect("queue state");
        assert_eq!(queue["failed"], 0, "queuing failed: {queue}");
        println!(
            "queued {} (finished {}), received {before} -> {after}",
            queue["queued"], queue["finished"]
        );
        if queue["finished"] == true || started.elapsed() > Duration::from_secs(240) {
            break;
        }
    }
    if batches_while_draining < 3 {
        let recent = cli(dir, &["deliveries", "--limit", "2"], None, &env);
        println!("the newest deliveries: {recent}");
    }
    assert!(
        batches_while_draining >= 3,
        "too few status batches overlapped the drain ({batches_while_draining})"
    );
    println!("while draining: {}", summary(&draining));

    // Another user's sign-in hashes a password (Argon2) while the engine still works: status is timed
    // from the moment the sign-in starts until it has answered.
    let during_hash = time_status(
        &app,
        1,
        400,
        0,
        json!({"name": OTHER, "password": OTHER_PASSWORD}),
    )
    .await;
    let signin = app
        .client
        .execute("return window.__signin", vec![])
        .await
        .expect("sign-in state");
    assert_eq!(
        signin["error"],
        Value::Null,
        "sam's sign-in failed: {signin}"
    );
    println!("while a password hashes: {}", summary(&during_hash));
    // A sign-in that held the main thread would let no status call through until it had finished:
    // the page could then time only one round trip, after the hash, and a fast one.
    assert!(
        during_hash.len() >= 3,
        "too few status round trips overlapped the hash: {}",
        summary(&during_hash)
    );

    // Every delivery arrives: the load was real.
    let deadline = Instant::now() + Duration::from_secs(300);
    while receiver.received().len() < EVENTS {
        assert!(
            Instant::now() < deadline,
            "the receiver got {} of {EVENTS} deliveries",
            receiver.received().len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    println!(
        "{EVENTS} deliveries received in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for (what, times) in [("draining", &draining), ("hashing", &during_hash)] {
        let slow = times.iter().filter(|&&t| t >= LIMIT_MS).count();
        assert!(
            slow * 100 <= times.len(),
            "{slow} status round trips took {LIMIT_MS} ms or more while {what} ({})",
            summary(times)
        );
        let worst = times.iter().copied().fold(0.0, f64::max);
        assert!(
            worst < FREEZE_MS,
            "a status round trip took {worst:.1} ms while {what} ({})",
            summary(times)
        );
    }
    app.close().await;
}

/// Recovery is a long job: the dialog hears its progress over a channel from the desktop process (it
/// never polls) and says when every delivery it queued again has been delivered.
#[tokio::test(flavor = "multi_thread")]
async fn recover_reports_its_progress_over_a_channel() {
    // Nothing listens on this port yet: the first tries are refused and wait for a retry.
    let port = free_port();
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let enrolled = cli_first_run(dir);
    let session = cli_session(dir, &enrolled.recovery_codes[0]);
    let env = [("HOOKDESK_SESSION", session.as_str())];
    add_store(dir, &env);
    // usaepay waits 5 minutes before its second try, so only the recovery sends these again.
    let hook = add_loopback_hook(
        dir,
        &env,
        &enrolled.secret,
        &format!("http://127.0.0.1:{port}/late"),
        &["--retry", "usaepay"],
    )
    .await;
    let hook_id = hook["id"].as_str().expect("hook id").to_string();
    for i in 0..3 {
        cli_emit_sale(dir, &session, &format!("late-{i}"));
    }

    let app = App::launch(dir).await;
    app.sign_in_with_recovery(&enrolled.recovery_codes[1]).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let failed = cli(dir, &["deliveries", "--status", "failed"], None, &env);
        if failed.as_array().map(Vec::len) == Some(3) {
            break;
        }
        assert!(Instant::now() < deadline, "never 3 failed: {failed}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let receiver = Receiver::start_on(port, 200, Duration::ZERO).await;

    app.go("Delivery log").await;
    app.click("#recover-open").await;
    app.select("#recover-hook", &hook_id).await;
    // Ten minutes ago, as the datetime-local input writes it (local time, to the minute).
    app.client
        .execute(
            "const d = new Date(Date.now() - 600000);
             const p = n => String(n).padStart(2, '0');
             const el = document.querySelector('#recover-since');
             el.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
             el.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![],
        )
        .await
        .expect("set the time to recover from");
    app.click("#recover-start").await;
    let done = app
        .wait_text("#recover-status", |t| t.starts_with("Done"))
        .await;
    assert_eq!(done, "Done. 3 queued again: 3 delivered.");
    assert_eq!(
        app.attr("#recover-progress", "value").await.as_deref(),
        Some("3")
    );
    assert_eq!(receiver.wait_for(3).await.len(), 3);
    app.close().await;
}
