//! Team mode on one PostgreSQL database (docs/architecture.md, Team mode), with real processes: three
//! `hookdesk serve` workers take events together while one is killed with SIGKILL and another loses its
//! database sessions for ten seconds. Nothing acknowledged is lost, duplicates come only from deliveries
//! in flight at a failure, the killed worker's deliveries are taken over within 15 s, and each order's
//! events reach the ordered hook in the order they were accepted, whichever worker sent them.
//! PostgreSQL run only. HOOKDESK_TEAM_EVENTS sets the number of events (default 3,000).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hookdesk_core::catalog::{sample, EventType};
use serde_json::{json, Value};

use crate::engine_crash::{set_up_admin_with, start_serve_with};
use crate::support::{postgres_server, raw_db, TestDir};
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";
const ORDERS: usize = 20;
/// The hook's concurrency limit (README, Delivery): at most this many requests are in flight to it
/// from all workers together, so at most this many can be sent again after one failure.
const PER_HOOK_LIMIT: usize = 20;

fn worker(dir: &std::path::Path, name: &str) -> (Child, String) {
    let url = crate::support::database_of(dir).expect("a PostgreSQL database");
    let named = format!("{}?application_name={name}", url.unmasked());
    let log = dir.join(format!("{name}.log"));
    start_serve_with(
        dir,
        &[],
        &[
            (hookdesk_core::store::DATABASE_URL_ENV, named),
            ("HOOKDESK_LOG", "info".into()),
            ("HOOKDESK_LOG_FILE", log.display().to_string()),
        ],
    )
}

/// What the workers logged and where the open deliveries stand, when the test is about to fail.
fn explain(dir: &std::path::Path) {
    for n in ["w1", "w2", "w3"] {
        let log =
            std::fs::read_to_string(dir.join(format!("hookdesk-{n}.log"))).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect();
        eprintln!(
            "--- hookdesk-{n}:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        );
    }
    let db = raw_db(dir);
    let rows: Vec<(String, Option<String>, i64)> = db
        .conn()
        .query_map(
            "SELECT status, claimed_by, COUNT(*) FROM deliveries GROUP BY status, claimed_by",
            hookdesk_core::args![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    eprintln!("deliveries: {rows:?}");
    let workers: Vec<(String, i64)> = db
        .conn()
        .query_map(
            "SELECT id, heartbeat_at FROM workers",
            hookdesk_core::args![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    eprintln!("workers: {workers:?}");
}

/// Ends the workers however the test ends, so a failure leaves no process behind.
struct Workers(Vec<(Child, String)>);

impl Drop for Workers {
    fn drop(&mut self) {
        for (child, _) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn count(dir: &std::path::Path, sql: &str) -> i64 {
    raw_db(dir)
        .conn()
        .query_row(sql, hookdesk_core::args![], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_workers_lose_nothing_through_a_kill_and_a_cut_connection() {
    if postgres_server().is_none() {
        eprintln!("PostgreSQL run only: team mode");
        return;
    }
    let events: usize = std::env::var("HOOKDESK_TEAM_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let dir = TestDir::new();
    let path = dir.path();
    // A receiver that takes a moment, so a worker holds deliveries in flight when it fails.
    let receiver = TestReceiver::start(Reply::status(200).after(Duration::from_millis(30))).await;
    let token = {
        let (p, u) = (path.clone(), receiver.url("/team"));
        tokio::task::spawn_blocking(move || set_up_admin_with(&p, &u, true).1)
            .await
            .unwrap()
    };
    let mut workers = Workers(
        ["w1", "w2", "w3"]
            .iter()
            .map(|n| worker(&path, &format!("hookdesk-{n}")))
            .collect(),
    );
    let addrs: Arc<Mutex<Vec<String>>> =
        Arc::new(Mutex::new(workers.0.iter().map(|w| w.1.clone()).collect()));
    let posted = Arc::new(AtomicUsize::new(0));

    // One poster, one event at a time, round robin over the workers that answer: the order events are
    // accepted in is the order each order's events must reach the receiver in.
    let poster = {
        let (addrs, posted, token) = (addrs.clone(), posted.clone(), token.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            let data = sample(EventType::parse("t", EVENT).unwrap());
            let mut accepted: Vec<(String, usize)> = Vec::with_capacity(events);
            let mut next = 0usize;
            for i in 0..events {
                let body = json!({"type": EVENT, "store": "store-1", "data": data,
                                  "key": format!("team-{i}"), "order_key": format!("o-{}", i % ORDERS)});
                loop {
                    let addr = {
                        let a = addrs.lock().unwrap();
                        next = (next + 1) % a.len();
                        a[next].clone()
                    };
                    let sent = http
                        .post(format!("http://{addr}/v1/events"))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    if let Ok(resp) = sent {
                        if resp.status().as_u16() == 202 {
                            let v: Value = resp.json().await.unwrap();
                            accepted
                                .push((v["event_id"].as_str().unwrap().to_string(), i % ORDERS));
                            break;
                        }
                        assert!(
                            resp.status().is_server_error(),
                            "refused: {}",
                            resp.status()
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                posted.store(i + 1, Ordering::SeqCst);
            }
            accepted
        })
    };

    let wait_posted = |n: usize| {
        let posted = posted.clone();
        async move {
            while posted.load(Ordering::SeqCst) < n {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };

    // A third of the way: SIGKILL the first worker while it holds deliveries.
    wait_posted(events / 3).await;
    let (mut killed, killed_addr) = workers.0.remove(0);
    let killed_id: String = raw_db(&path)
        .conn()
        .query_row(
            "SELECT id FROM workers WHERE pid = ?1",
            hookdesk_core::args![i64::from(killed.id())],
            |r| r.get(0),
        )
        .expect("the worker registered itself");
    let held = format!(
        "SELECT COUNT(*) FROM deliveries WHERE status = 'delivering' AND claimed_by = '{killed_id}'"
    );
    killed.kill().unwrap();
    killed.wait().unwrap();
    let killed_at = Instant::now();
    let holding = count(&path, &held);
    addrs.lock().unwrap().retain(|a| *a != killed_addr);
    let taken_over = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || loop {
            if count(&path, &held) == 0 {
                return killed_at.elapsed();
            }
            std::thread::sleep(Duration::from_millis(50));
        })
    };

    // Half way: the second worker loses every database session for ten seconds.
    wait_posted(events / 2).await;
    let cutting = Arc::new(AtomicBool::new(true));
    let cutter = {
        let (path, cutting) = (path.clone(), cutting.clone());
        tokio::task::spawn_blocking(move || {
            let db = raw_db(&path);
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until {
                let _ = db.conn().execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'hookdesk-w2'",
                    hookdesk_core::args![],
                );
                std::thread::sleep(Duration::from_millis(100));
            }
            cutting.store(false, Ordering::SeqCst);
        })
    };

    let accepted = poster.await.unwrap();
    cutter.await.unwrap();
    assert!(!cutting.load(Ordering::SeqCst));
    let took = taken_over.await.unwrap();
    assert!(took <= Duration::from_secs(15), "taken over after {took:?}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let open = "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending','delivering','failed')";
    loop {
        let n = {
            let path = path.clone();
            tokio::task::spawn_blocking(move || count(&path, open))
                .await
                .unwrap()
        };
        if n == 0 {
            break;
        }
        if Instant::now() >= deadline {
            explain(&path);
        }
        assert!(Instant::now() < deadline, "{n} deliveries still open");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (child, _) in &mut workers.0 {
        let _ = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status();
        let _ = child.wait();
    }

    assert_eq!(accepted.len(), events);
    let ids: HashSet<&String> = accepted.iter().map(|a| &a.0).collect();
    assert_eq!(ids.len(), events, "every key got its own event id");
    let position: HashMap<&String, usize> = accepted
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.0, i))
        .collect();
    let mut arrivals: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_seen: Vec<&String> = Vec::new();
    let captured = receiver.captured();
    let bodies: Vec<String> = captured
        .iter()
        .map(|c| {
            serde_json::from_slice::<Value>(&c.body).unwrap()["event_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for id in &bodies {
        let n = arrivals.entry(id.clone()).or_default();
        if *n == 0 {
            first_seen.push(id);
        }
        *n += 1;
    }
    let unknown: Vec<&String> = arrivals.keys().filter(|id| !ids.contains(id)).collect();
    assert!(
        unknown.is_empty(),
        "unknown event ids delivered: {unknown:?}"
    );
    let missing: Vec<&&String> = ids
        .iter()
        .filter(|id| !arrivals.contains_key(**id))
        .collect();
    if !missing.is_empty() {
        explain(&path);
        let db = raw_db(&path);
        for id in missing.iter().take(5) {
            let row: Option<(String, i64, Option<String>, Option<String>)> = db
                .conn()
                .query_opt(
                    "SELECT d.status, d.attempts, d.last_error, d.claimed_by FROM deliveries d
                     JOIN events e ON e.id = d.event_row WHERE e.event_id = ?1",
                    hookdesk_core::args![id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            eprintln!("never delivered: {id}: {row:?}");
        }
    }
    assert_eq!(
        missing.len(),
        0,
        "{} accepted events never delivered",
        missing.len()
    );
    let duplicates: usize = arrivals.values().map(|n| n - 1).sum();
    assert!(
        duplicates <= 2 * PER_HOOK_LIMIT,
        "{duplicates} duplicates for two failures"
    );
    // Per order, first arrivals follow acceptance.
    let mut last: HashMap<usize, usize> = HashMap::new();
    for id in first_seen {
        let at = position[id];
        let order = accepted[at].1;
        if let Some(prev) = last.insert(order, at) {
            assert!(
                prev < at,
                "order o-{order}: event {at} went out before event {prev}"
            );
        }
    }
    println!(
        "team mode: {events} events, {duplicates} duplicates; the killed worker held {holding} \
         deliveries, taken over after {took:?}"
    );
}
