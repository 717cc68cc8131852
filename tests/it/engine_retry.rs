//! Retry schedules under the manual clock, Retry-After, 410 Gone and the five-day auto-disable.

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::engine::record::DISABLE_AFTER_MS;
use hookdesk_core::domain::retry::{schedule, RetryPreset};
use hookdesk_core::domain::HookInput;
use serde_json::Value;

use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";

fn data() -> Value {
    sample(EventType::parse("type", EVENT).unwrap())
}

fn preset_hook(url: &str, preset: &str) -> HookInput {
    HookInput {
        retry_preset: Some(preset.into()),
        ..hook_input(url, &[EVENT])
    }
}

/// Fails every try and checks each wait against the preset's schedule (±20% jitter), then death.
async fn walk_schedule(preset: RetryPreset) {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    e.hook(preset_hook(&r.url("/h"), preset.as_str()));
    e.emit(EVENT, "store-1", data());
    let id = e.delivery_ids()[0];
    let delays = schedule(preset);
    for (i, base) in delays.iter().enumerate() {
        let report = e.step().await;
        assert_eq!((report.claimed, report.retrying), (1, 1), "try {}", i + 1);
        let (status, attempts, next) = e.delivery(id);
        assert_eq!((status.as_str(), attempts), ("failed", i as i64 + 1));
        let wait = next.expect("a retry time") - e.now();
        let base = base.as_millis() as i64;
        assert!(
            wait >= base * 8 / 10 && wait <= base * 12 / 10,
            "try {}: waited {wait} for {base}",
            i + 1
        );
        e.clock.set(next.unwrap() - 1);
        assert_eq!(e.step().await.claimed, 0, "not due a millisecond early");
        e.clock.advance(1);
    }
    let report = e.step().await;
    assert_eq!((report.claimed, report.dead), (1, 1));
    let (status, attempts, next) = e.delivery(id);
    assert_eq!(
        (status.as_str(), attempts, next),
        ("dead", preset.max_attempts() as i64, None)
    );
    assert_eq!(r.captured().len(), preset.max_attempts() as usize);
    e.clock.advance(30 * 24 * 3600 * 1000);
    assert_eq!(e.step().await.claimed, 0, "a dead delivery stays dead");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_preset_retries_on_schedule_then_dies() {
    walk_schedule(RetryPreset::Standard).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ordatic_gives_up_after_three_tries() {
    assert_eq!(RetryPreset::Ordatic.max_attempts(), 3);
    walk_schedule(RetryPreset::Ordatic).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usaepay_preset_retries_for_three_days() {
    walk_schedule(RetryPreset::Usaepay).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_is_honoured() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(503).with_header("Retry-After", "120")).await;
    e.hook(preset_hook(&r.url("/h"), "standard"));
    e.emit(EVENT, "store-1", data());
    let id = e.delivery_ids()[0];
    e.step().await;
    assert_eq!(
        e.delivery(id).2,
        Some(e.now() + 120_000),
        "the receiver asked for two minutes"
    );
    e.clock.advance(119_999);
    assert_eq!(e.step().await.claimed, 0);
    r.set_reply(Reply::status(204));
    e.clock.advance(1);
    assert_eq!(e.step().await.succeeded, 1);
    assert_eq!(e.delivery(id).0, "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_kills_the_delivery_and_disables_the_hook() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    let hook = e.hook(preset_hook(&r.url("/h"), "standard"));
    e.emit(EVENT, "store-1", data());
    e.step().await;
    let first = e.delivery_ids()[0];
    assert_eq!(e.delivery(first).0, "failed");

    r.set_reply(Reply::status(410));
    e.emit(EVENT, "store-1", data());
    let second = e.delivery_ids()[1];
    let report = e.step().await;
    assert_eq!((report.claimed, report.dead), (1, 1));
    assert_eq!(e.delivery(second).0, "dead");
    let (enabled, _, reason) = e.hook_health(&hook);
    assert!(!enabled);
    assert!(reason.unwrap_or_default().contains("410"));
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'hook.auto_disable'";
    assert_eq!(
        e.count(audited),
        1,
        "the audit log says why the hook went off"
    );

    // The earlier delivery's retry falls due: a disabled hook receives nothing more.
    e.clock.advance(3_600_000);
    e.step().await;
    assert_eq!(r.captured().len(), 2);
    assert_eq!(e.delivery(first).0, "dead");
    assert_eq!(
        e.emit(EVENT, "store-1", data()).deliveries,
        0,
        "nothing is routed to a disabled hook"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_days_of_failure_disable_and_flag_the_hook() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    let hook = e.hook(preset_hook(&r.url("/h"), "ordatic"));
    e.emit(EVENT, "store-1", data());
    e.step().await;
    assert_eq!(e.hook_health(&hook), (true, Some(T0), None));
    for day in 1..5 {
        e.clock.set(T0 + day * 24 * 3600 * 1000);
        e.emit(EVENT, "store-1", data());
        e.step().await;
        assert_eq!(e.hook_health(&hook), (true, Some(T0), None), "day {day}");
    }
    e.clock.set(T0 + DISABLE_AFTER_MS);
    e.emit(EVENT, "store-1", data());
    e.step().await;
    let (enabled, since, reason) = e.hook_health(&hook);
    assert!(!enabled);
    assert_eq!(since, Some(T0), "the UI shows since when it failed");
    assert!(reason.unwrap_or_default().contains("5 days"));
    assert_eq!(
        e.count("SELECT COUNT(*) FROM audit_log WHERE action = 'hook.auto_disable'"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_clears_the_failing_state() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(502)).await;
    let hook = e.hook(preset_hook(&r.url("/h"), "standard"));
    e.emit(EVENT, "store-1", data());
    e.step().await;
    assert_eq!(e.hook_health(&hook).1, Some(T0));
    r.set_reply(Reply::status(200));
    e.clock.advance(4 * 24 * 3600 * 1000);
    assert_eq!(e.step().await.succeeded, 1);
    assert_eq!(e.hook_health(&hook), (true, None, None));
    // Failing again starts a new five-day window rather than resuming the old one.
    r.set_reply(Reply::status(500));
    e.clock.advance(2 * 24 * 3600 * 1000);
    e.emit(EVENT, "store-1", data());
    e.step().await;
    assert_eq!(e.hook_health(&hook), (true, Some(e.now()), None));
}
