//! The engine's fast paths must give the same answers as the slow ones: the decrypted hook copy follows
//! every change (from this process, another one, or a hand edit), a claim honours per-destination limits
//! with lapsed leases mixed in, and a batch of records survives one bad row.

use std::sync::Arc;

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::config::hooks;
use hookdesk_core::delivery::engine::claim::claim_due;
use hookdesk_core::delivery::engine::record::{record_batch, Finished, Next};
use hookdesk_core::delivery::transport::outcome::AttemptOutcome;
use hookdesk_core::domain::HookInput;
use hookdesk_core::Ctx;
use serde_json::Value;

use crate::support::config::{admin, fresh, with_code};
use crate::support::engine::*;

const EVENT: &str = "order-ready-to-pick-up";

fn channel_hook(url: &str) -> HookInput {
    HookInput {
        app_type: Some("channel".into()),
        ..hook_input(url, &[EVENT])
    }
}

fn event() -> EventType {
    EventType::parse("type", EVENT).unwrap()
}

fn data() -> Value {
    sample(event())
}

fn matching(ctx: &Ctx) -> Vec<String> {
    hooks::matching_hooks(ctx, event(), "store-1")
        .unwrap()
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn other_process(e: &Eng) -> Ctx {
    crate::support::open_ctx(&e._dir.path(), Arc::new(e.clock.clone())).unwrap()
}

#[test]
fn hook_changes_from_another_process_are_seen_at_once() {
    let e = Eng::new();
    let id = e.hook(channel_hook("http://127.0.0.1:9/a"));
    assert_eq!(matching(&e.ctx), vec![id.clone()]);
    assert_eq!(
        hooks::load_for_delivery(&e.ctx, &id).unwrap().url.expose(),
        "http://127.0.0.1:9/a"
    );

    // Same millisecond on purpose: a timestamp check would miss this change.
    let cli = other_process(&e);
    let input = HookInput {
        allow_private_network: true,
        ..channel_hook("http://127.0.0.1:9/b")
    };
    let (a, code) = with_code(&cli, hookdesk_core::auth::Role::Admin);
    hooks::update(&cli, &a, &id, &input, false, fresh(&code)).unwrap();
    assert_eq!(
        hooks::load_for_delivery(&e.ctx, &id).unwrap().url.expose(),
        "http://127.0.0.1:9/b"
    );

    hooks::set_enabled(&cli, &admin(&cli), &id, false).unwrap();
    assert!(matching(&e.ctx).is_empty());
    assert!(!hooks::load_for_delivery(&e.ctx, &id).unwrap().enabled);

    hooks::set_enabled(&cli, &admin(&cli), &id, true).unwrap();
    assert_eq!(matching(&e.ctx), vec![id.clone()]);

    hooks::delete(&cli, &admin(&cli), &id).unwrap();
    assert!(matching(&e.ctx).is_empty());
    assert!(hooks::load_for_delivery(&e.ctx, &id).is_err());
}

#[test]
fn hand_edits_and_engine_writes_reach_the_copy() {
    let e = Eng::new();
    let a = e.hook(channel_hook("http://127.0.0.1:9/a"));
    let b = e.hook(channel_hook("http://127.0.0.1:9/b"));
    // Same creation time: routing order then falls to the (random) ids.
    let mut both = vec![a.clone(), b.clone()];
    both.sort();
    assert_eq!(matching(&e.ctx), both);

    let edit = |sql: &str, id: &str| {
        e.ctx
            .db
            .conn()
            .execute(sql, hookdesk_core::args![id])
            .unwrap();
    };
    edit("DELETE FROM hook_events WHERE hook_id = ?1", &a);
    assert_eq!(matching(&e.ctx), vec![b.clone()]);

    // The engine turning a hook off (a 410) goes through the same counter.
    edit("UPDATE hooks SET enabled = 0 WHERE id = ?1", &b);
    assert!(matching(&e.ctx).is_empty());

    // Failure tracking alone changes nothing a delivery uses: the copy stays valid.
    let before = e.count("SELECT n FROM hooks_generation");
    edit("UPDATE hooks SET failing_since_ms = 5 WHERE id = ?1", &b);
    assert_eq!(e.count("SELECT n FROM hooks_generation"), before);
}

#[test]
fn a_claim_fills_each_destination_up_to_its_limit_lapsed_leases_included() {
    let e = Eng::new();
    let x = e.hook(channel_hook("http://127.0.0.1:9/x"));
    let y = e.hook(channel_hook("http://127.0.0.1:9/y"));
    for _ in 0..6 {
        e.emit(EVENT, "store-1", data());
    }
    let (dx, dy) = (format!("hook:{x}"), format!("hook:{y}"));
    // One of x's deliveries was claimed by an engine that died: its lease has lapsed.
    e.ctx
        .db
        .conn()
        .execute(
            "UPDATE deliveries SET status = 'delivering', lease_until = ?2
             WHERE id = (SELECT MAX(id) FROM deliveries WHERE dest = ?1)",
            hookdesk_core::args![dx, e.now() - 1],
        )
        .unwrap();
    let busy = std::collections::HashMap::from([(dx.clone(), 1)]);
    let claimed = claim_due(&e.ctx, e.now(), 90_000, 100, 3, &busy, None).unwrap();
    let per = |d: &str| claimed.iter().filter(|c| c.dest == d).count();
    assert_eq!((per(&dx), per(&dy)), (2, 3));
    let ids: Vec<i64> = claimed.iter().map(|c| c.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "claims come out in id order");

    // The batch size caps the total, lowest ids first.
    let lowest = e.count("SELECT MIN(id) FROM deliveries WHERE status = 'pending'");
    let more = claim_due(&e.ctx, e.now(), 90_000, 1, 20, &Default::default(), None).unwrap();
    assert_eq!(more.iter().map(|c| c.id).collect::<Vec<_>>(), vec![lowest]);
}

#[test]
fn one_bad_row_in_a_batch_does_not_lose_the_others() {
    let e = Eng::new();
    e.hook(channel_hook("http://127.0.0.1:9/x"));
    for _ in 0..3 {
        e.emit(EVENT, "store-1", data());
    }
    let claimed = claim_due(&e.ctx, e.now(), 90_000, 10, 10, &Default::default(), None).unwrap();
    assert_eq!(claimed.len(), 3);
    let mut bad = claimed[1].clone();
    bad.id = 999_999; // no such delivery: its attempt row breaks the foreign key
    let items: Vec<Finished> = [claimed[0].clone(), bad, claimed[2].clone()]
        .into_iter()
        .map(|c| Finished {
            claimed: c,
            prepared: None,
            outcome: AttemptOutcome::not_sent("test"),
            started_at: e.now(),
            done: e.now(),
            next: Next::Dead,
        })
        .collect();
    let results = record_batch(&e.ctx, &items);
    assert!(results[0].is_ok() && results[1].is_err() && results[2].is_ok());
    assert_eq!(
        e.count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'"),
        2
    );
    assert_eq!(e.count("SELECT COUNT(*) FROM attempts"), 2);
}
