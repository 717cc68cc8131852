//! Batched writes: ingest's batch gives each event its own answer, and the background checkpoints keep
//! the write-ahead log bounded while commits never pause.

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::engine::outbox::{enqueue_batch, NewEvent};
use hookdesk_core::Error;

use crate::support::engine::*;

const EVENT: &str = "transaction.sale.success";

fn new_event(store: &str, key: Option<&str>) -> NewEvent {
    let data = sample(EventType::parse("t", EVENT).unwrap());
    NewEvent::parse(EVENT, store, data, key.map(str::to_string), None).unwrap()
}

#[test]
fn each_event_in_a_batch_is_answered_on_its_own() {
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    let batch = [
        new_event("store-1", Some("k-1")),
        new_event("no-such-store", None),
        new_event("store-1", Some("k-1")),
        new_event("store-1", None),
    ];
    let answers = enqueue_batch(&e.ctx, &batch, e.now());
    assert_eq!(answers.len(), 4);
    let first = answers[0].as_ref().expect("first queued");
    assert_eq!((first.deliveries, first.duplicate), (1, false));
    match &answers[1] {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, "store"),
        other => panic!("an unknown store must fail on its field, got {other:?}"),
    }
    let again = answers[2].as_ref().expect("repeated key answered");
    assert!(
        again.duplicate,
        "the same key twice in one batch queues once"
    );
    assert_eq!(again.event_id, first.event_id);
    assert_eq!(
        again.deliveries, 1,
        "the repeat answers the first event's deliveries, written in the same batch"
    );
    assert!(answers[3].is_ok());
    assert_eq!(e.count("SELECT COUNT(*) FROM events"), 2);
    assert_eq!(e.count("SELECT COUNT(*) FROM deliveries"), 2);
}

#[test]
fn a_batch_queues_its_events_in_the_order_they_came() {
    let e = Eng::new();
    e.hook(hook_input("http://127.0.0.1:9/h", &[EVENT]));
    let batch: Vec<NewEvent> = (0..40)
        .map(|i| {
            let mut data = sample(EventType::parse("t", EVENT).unwrap());
            data["seq"] = i.into();
            NewEvent::parse(EVENT, "store-1", data, None, Some("order-1".into())).unwrap()
        })
        .collect();
    let answers = enqueue_batch(&e.ctx, &batch, e.now());
    assert!(answers.iter().all(|a| a.is_ok()), "{answers:?}");
    // An ordered destination sends by delivery id: the ids must follow the batch's order.
    let seqs: Vec<i64> = e
        .ctx
        .db
        .conn()
        .query_map(
            "SELECT e.data FROM deliveries d JOIN events e ON e.id = d.event_row ORDER BY d.id",
            hookdesk_core::args![],
            |r| {
                let data: String = r.get(0)?;
                let v: serde_json::Value = serde_json::from_str(&data).unwrap();
                Ok(v["seq"].as_i64().unwrap())
            },
        )
        .unwrap();
    assert_eq!(seqs, (0..40).collect::<Vec<i64>>());
}

#[test]
fn the_log_starts_over_while_commits_never_pause() {
    if crate::support::sqlite_only("the SQLite WAL checkpointer") {
        return;
    }
    let e = Eng::new();
    let wal = e._dir.path().join("hookdesk.db-wal");
    let checkpoints = e.ctx.db.start_checkpoints().expect("checkpointer");
    e.ctx
        .db
        .conn()
        .execute_batch("CREATE TABLE filler (b BLOB NOT NULL)")
        .unwrap();
    let blob = vec![7u8; 64 * 1024];
    let mut largest = 0;
    // 160 MiB in commits half a millisecond apart (the engine's writers also let go of the connection
    // between batches): the log is never idle long enough for a checkpoint to catch up on its own.
    for i in 0..2_560 {
        let conn = e.ctx.db.conn();
        conn.execute(
            "INSERT INTO filler (b) VALUES (?1)",
            hookdesk_core::args![&blob],
        )
        .unwrap();
        if i % 16 == 0 {
            conn.execute("DELETE FROM filler", hookdesk_core::args![])
                .unwrap();
        }
        drop(conn);
        std::thread::sleep(std::time::Duration::from_micros(500));
        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
    }
    drop(checkpoints);
    assert!(
        largest < 64 * 1024 * 1024,
        "the log grew to {} MiB",
        largest / 1024 / 1024
    );
    let auto: i64 = e
        .ctx
        .db
        .conn()
        .query_row("PRAGMA wal_autocheckpoint", hookdesk_core::args![], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        auto, 1000,
        "SQLite's own checkpoints are back once it stops"
    );
}
