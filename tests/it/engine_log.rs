//! The delivery log: filters, resend, recover; and order-injection answers stored on the attempt.

use hookdesk_core::auth::Role;
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::log::{self, Filter};
use hookdesk_core::domain::HookInput;
use hookdesk_core::Error;
use serde_json::{json, Value};

use crate::support::config::{actor, admin};
use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

const SALE: &str = "transaction.sale.success";
const ACH: &str = "ach.settled";

fn data(ty: &str) -> Value {
    sample(EventType::parse("t", ty).unwrap())
}

fn list(e: &Eng, f: Filter) -> Vec<log::DeliveryView> {
    log::list(&e.ctx, &actor(&e.ctx, Role::Support), &f).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_filters_by_hook_status_event_and_store() {
    let e = Eng::new();
    e.store("store-2");
    let ok = TestReceiver::start(Reply::status(200)).await;
    let bad = TestReceiver::start(Reply::status(500)).await;
    let good_hook = e.hook(hook_input(&ok.url("/ok"), &[SALE, ACH]));
    let bad_hook = e.hook(hook_input(&bad.url("/bad"), &[SALE]));
    let first = e.emit(SALE, "store-1", data(SALE));
    e.emit(ACH, "store-2", data(ACH));
    e.step().await;

    let all = list(&e, Filter::default());
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let by_hook = list(
        &e,
        Filter {
            hook: Some(good_hook.clone()),
            ..Default::default()
        },
    );
    assert_eq!(by_hook.len(), 2);
    assert!(by_hook
        .iter()
        .all(|d| d.hook_id.as_deref() == Some(good_hook.as_str())));
    let failed = list(
        &e,
        Filter {
            status: Some("failed".into()),
            ..Default::default()
        },
    );
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].hook_id.as_deref(), Some(bad_hook.as_str()));
    assert_eq!(failed[0].last_status_code, Some(500));
    let by_event = list(
        &e,
        Filter {
            event_id: Some(first.event_id.clone()),
            ..Default::default()
        },
    );
    assert_eq!(by_event.len(), 2);
    assert_eq!(
        list(
            &e,
            Filter {
                event: Some(ACH.into()),
                ..Default::default()
            }
        )
        .len(),
        1
    );
    assert_eq!(
        list(
            &e,
            Filter {
                store: Some("store-2".into()),
                ..Default::default()
            }
        )
        .len(),
        1
    );
    assert_eq!(
        list(
            &e,
            Filter {
                limit: Some(1),
                ..Default::default()
            }
        )
        .len(),
        1
    );
    let err = log::list(
        &e.ctx,
        &admin(&e.ctx),
        &Filter {
            status: Some("lost".into()),
            ..Default::default()
        },
    );
    assert_eq!(err.unwrap_err().field(), Some("status"));

    let attempts = log::attempts(&e.ctx, &admin(&e.ctx), failed[0].id).unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (
            attempts[0].trigger.as_str(),
            attempts[0].number,
            attempts[0].status_code
        ),
        ("live", 1, Some(500))
    );
    assert!(attempts[0].next_attempt_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resend_sends_a_finished_delivery_again_with_its_own_trigger() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hook_input(&r.url("/h"), &[SALE]));
    let ev = e.emit(SALE, "store-1", data(SALE));
    e.step().await;
    let id = e.delivery_ids()[0];
    let support = actor(&e.ctx, Role::Support);
    assert_eq!(log::resend(&e.ctx, &support, id).unwrap(), id);
    assert!(
        matches!(log::resend(&e.ctx, &support, id), Err(Error::Conflict(_))),
        "already queued"
    );
    assert!(matches!(
        log::resend(&e.ctx, &support, 9_999),
        Err(Error::NotFound(_))
    ));
    e.clock.advance(1_000);
    assert_eq!(e.step().await.succeeded, 1);
    let attempts = log::attempts(&e.ctx, &support, id).unwrap();
    let triggers: Vec<(&str, i64)> = attempts
        .iter()
        .map(|a| (a.trigger.as_str(), a.number))
        .collect();
    assert_eq!(triggers, [("live", 1), ("resend", 2)]);
    let got = r.captured();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].body, got[1].body, "the same event, byte for byte");
    assert_eq!(body_json(&got[1].body)["event_id"], json!(ev.event_id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_queues_dead_deliveries_of_a_hook_since_a_time() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    let other = TestReceiver::start(Reply::status(500)).await;
    let hook = e.hook(HookInput {
        retry_preset: Some("ordatic".into()),
        ..hook_input(&r.url("/h"), &[SALE])
    });
    e.hook(HookInput {
        retry_preset: Some("ordatic".into()),
        ..hook_input(&other.url("/o"), &[SALE])
    });
    e.emit(SALE, "store-1", data(SALE));
    e.clock.advance(60_000);
    let since = e.now();
    e.emit(SALE, "store-1", data(SALE));
    e.emit(SALE, "store-1", data(SALE));
    for _ in 0..3 {
        e.step().await;
        e.clock.advance(3_600_000);
    }
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'"),
        6
    );
    let n = log::recover(&e.ctx, &actor(&e.ctx, Role::Support), &hook, since).unwrap();
    assert_eq!(n, 2, "only this hook's, only since the time given");
    let progress = |e: &Eng| log::recover_progress(&e.ctx, &hook, since).unwrap();
    let c = progress(&e);
    assert_eq!((c.queued, c.waiting, c.finished()), (2, 2, false));
    // The receiver still fails: the report says so instead of "0 of 2" until the retries run out.
    e.step().await;
    let c = progress(&e);
    assert_eq!((c.still_failing, c.delivered, c.finished()), (2, 0, false));
    r.set_reply(Reply::status(200));
    e.clock.advance(3_600_000);
    assert_eq!(e.step().await.succeeded, 2);
    let c = progress(&e);
    assert_eq!(
        (c.queued, c.delivered, c.gave_up, c.still_failing, c.waiting),
        (2, 2, 0, 0, 0)
    );
    assert!(c.finished());
    assert_eq!(
        e.count("SELECT COUNT(*) FROM attempts WHERE trigger = 'resend'"),
        4
    );
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'"),
        4
    );
    assert_eq!(other.captured().len(), 9, "the other hook was left alone");
}

fn last_result(e: &Eng) -> Option<Value> {
    let id = *e.delivery_ids().last().unwrap();
    log::attempts(&e.ctx, &admin(&e.ctx), id)
        .unwrap()
        .pop()
        .unwrap()
        .result
}

fn pos_online(e: &Eng) -> Option<bool> {
    log::pos_status(&e.ctx).unwrap().get("store-1").copied()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_injection_answers_are_stored_and_fail_closed() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::json(200, r#"{"online": true}"#)).await;
    e.hook(hook_input(
        &r.url("/pos"),
        &["is_online", "validate_order", "new_order"],
    ));
    assert_eq!(pos_online(&e), None);

    e.emit("is_online", "store-1", data("is_online"));
    e.step().await;
    assert_eq!(last_result(&e), Some(json!({"online": true})));
    assert_eq!(pos_online(&e), Some(true));

    r.set_reply(Reply::json(200, r#"{"online": "yes"}"#));
    e.emit("is_online", "store-1", data("is_online"));
    e.step().await;
    assert_eq!(
        last_result(&e),
        Some(json!({"online": false})),
        "not a bool: offline"
    );
    assert_eq!(pos_online(&e), Some(false));

    r.set_reply(Reply::json(200, r#"{"valid_order": true}"#));
    e.emit("validate_order", "store-1", data("validate_order"));
    e.step().await;
    assert_eq!(last_result(&e), Some(json!({"valid_order": true})));

    r.set_reply(Reply::json(503, r#"{"valid_order": true}"#));
    e.emit("validate_order", "store-1", data("validate_order"));
    e.step().await;
    assert_eq!(
        last_result(&e),
        Some(json!({"valid_order": false})),
        "non-2xx reads as no"
    );

    r.set_reply(Reply::json(200, r#"{"online": true}"#));
    e.clock.advance(3_600_000);
    e.step().await;
    e.emit("new_order", "store-1", data("new_order"));
    e.step().await;
    assert_eq!(last_result(&e), None, "new_order carries no answer");
    assert_eq!(
        pos_online(&e),
        Some(false),
        "only is_online updates the POS status"
    );
}

/// Attempts keep the SHA-256 of the body, not the body (migration 0007): the log renders it again from
/// the event, byte for byte what the receiver got, and says so when a store change means it no longer is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_shows_the_body_sent_without_storing_it_again() {
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(200)).await;
    e.hook(hook_input(&r.url("/h"), &[SALE]));
    e.emit(SALE, "store-1", data(SALE));
    e.step().await;
    let id = e.delivery_ids()[0];
    let got = r.captured();
    assert_eq!(got.len(), 1);
    assert!(body_json(&got[0].body)["event_body"]["merchant"]["merch_key"].is_string());

    let (kept, sha): (Option<String>, Vec<u8>) = e
        .ctx
        .db
        .conn()
        .query_row(
            "SELECT request_body, request_body_sha256 FROM attempts WHERE delivery_id = ?1",
            hookdesk_core::args![id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!((kept, sha.len()), (None, 32));

    let support = actor(&e.ctx, Role::Support);
    let shown = log::attempts(&e.ctx, &support, id).unwrap();
    assert_eq!(shown[0].request_body.as_bytes(), &got[0].body[..]);
    assert_eq!(shown[0].request_body_note, None);

    // The merchant body carries the store's merch key: change it, and the log says the body differs.
    let patch = hookdesk_core::config::stores::StorePatch {
        merch_key: Some("newkey12345678".into()),
        ..Default::default()
    };
    hookdesk_core::config::stores::edit(&e.ctx, &admin(&e.ctx), "store-1", &patch).unwrap();
    let shown = log::attempts(&e.ctx, &support, id).unwrap();
    assert_ne!(shown[0].request_body.as_bytes(), &got[0].body[..]);
    assert_eq!(
        shown[0].request_body_note.as_deref(),
        Some(hookdesk_core::delivery::log::sent_body::CHANGED)
    );

    // An attempt recorded before migration 0007 kept its body: that is shown as it is.
    e.ctx
        .db
        .conn()
        .execute(
            "INSERT INTO attempts (delivery_id, trigger, number, started_at, latency_ms, request_url,
                                   request_headers, request_body, response_headers, response_body)
             VALUES (?1, 'live', 2, 0, 1, 'https://example.com/h', '[]', '{\"kept\":true}', '[]', '')",
            hookdesk_core::args![id],
        )
        .unwrap();
    let shown = log::attempts(&e.ctx, &support, id).unwrap();
    assert_eq!(
        (
            shown[1].request_body.as_str(),
            shown[1].request_body_note.as_deref()
        ),
        ("{\"kept\":true}", None)
    );
}

/// The dashboard counts deliveries apart from attempts, and its series has every bucket of the range,
/// empty hours included, so the chart's time axis is even.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_counts_deliveries_and_keeps_empty_hours() {
    use hookdesk_core::delivery::log::stats::{self, BUCKET_MS};
    let e = Eng::new();
    let r = TestReceiver::start(Reply::status(500)).await;
    e.hook(hook_input(&r.url("/h"), &[SALE]));
    e.emit(SALE, "store-1", data(SALE));
    e.step().await;
    // The retries fall due within the next hours; three hours on, the next one goes out.
    e.clock.advance(3 * BUCKET_MS);
    e.step().await;
    let attempts = e.count("SELECT COUNT(*) FROM attempts");
    assert!(attempts >= 2, "{attempts}");

    let since = e.now() - 6 * BUCKET_MS;
    let rows = stats::dashboard(&e.ctx, &actor(&e.ctx, Role::Support), since).unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!((row.deliveries, row.total), (1, attempts));
    assert_eq!(row.bucket_ms, BUCKET_MS);
    let first = since - since.rem_euclid(BUCKET_MS);
    let last = e.now() - e.now().rem_euclid(BUCKET_MS);
    assert_eq!(row.series.len() as i64, (last - first) / BUCKET_MS + 1);
    assert!(row
        .series
        .windows(2)
        .all(|w| w[1].bucket_start_ms - w[0].bucket_start_ms == BUCKET_MS));
    let bars: i64 = row.series.iter().map(|b| b.succeeded + b.failed).sum();
    assert_eq!(bars, attempts);
    assert!(row.series.iter().any(|b| b.succeeded + b.failed == 0));
}

/// The CSV export holds every delivery the filter matches (not one page), newest first, one line each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_exports_every_matching_delivery_as_csv() {
    use hookdesk_core::delivery::log::export::deliveries_csv;
    let e = Eng::new();
    let ok = TestReceiver::start(Reply::status(200)).await;
    let bad = TestReceiver::start(Reply::status(500)).await;
    e.hook(hook_input(&ok.url("/ok"), &[SALE]));
    e.hook(HookInput {
        label: "Refunds, Harbour".into(),
        ..hook_input(&bad.url("/bad"), &[ACH])
    });
    for _ in 0..3 {
        e.emit(SALE, "store-1", data(SALE));
    }
    e.emit(ACH, "store-1", data(ACH));
    e.step().await;
    let support = actor(&e.ctx, Role::Support);

    let all = deliveries_csv(&e.ctx, &support, &Filter::default()).unwrap();
    let lines: Vec<&str> = all.csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!((all.rows, all.truncated, lines.len()), (4, false, 5));
    assert!(lines[0].starts_with("delivery_id,event_id,event_type,store,destination,status"));
    assert!(
        lines[1].contains("\"Refunds, Harbour\"") && lines[1].contains("HTTP 500"),
        "{}",
        lines[1]
    );

    let failed = Filter {
        status: Some("failed".into()),
        ..Default::default()
    };
    let only = deliveries_csv(&e.ctx, &support, &failed).unwrap();
    assert_eq!(only.rows, 1);
    let e2 = deliveries_csv(
        &e.ctx,
        &support,
        &Filter {
            status: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(e2.field(), Some("status"));
}

/// More deliveries than one log page (500): the export pages through them all, each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_csv_export_pages_past_one_log_page() {
    use hookdesk_core::delivery::log::export::deliveries_csv;
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[SALE]));
    for _ in 0..1_100 {
        e.emit(SALE, "store-1", data(SALE));
    }
    let all = deliveries_csv(&e.ctx, &actor(&e.ctx, Role::Support), &Filter::default()).unwrap();
    assert_eq!((all.rows, all.truncated), (1_100, false));
    let ids: std::collections::BTreeSet<&str> = all
        .csv
        .split("\r\n")
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|id| !id.is_empty())
        .collect();
    assert_eq!(ids.len(), 1_100);
}
