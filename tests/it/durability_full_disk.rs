//! A full disk, for real: the data directory lives on a small tmpfs mounted by the test, a filler file
//! takes the rest of its space while `hookdesk serve` runs. Ingest then answers 503 with `Retry-After`
//! and a JSON error, keeps nothing of the refused events, accepts again by itself once the filler is
//! gone, and every event it acknowledged reaches the receiver. Skipped with a message where mounting is
//! refused (it needs root).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::engine_crash::{set_up_with_session, start_serve};
use crate::support::TestDir;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";

/// The mounted tmpfs and the serve process on it; both are undone even when the test fails.
struct Mounted {
    point: PathBuf,
    serve: Option<Child>,
}

impl Mounted {
    fn mount(point: &Path, size: &str) -> Option<Mounted> {
        std::fs::create_dir_all(point).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(point)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then(|| Mounted {
            point: point.to_path_buf(),
            serve: None,
        })
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(mut c) = self.serve.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("umount").arg("-l").arg(&self.point).status();
    }
}

/// Writes zeros into `path` until the file system refuses; returns the bytes written.
fn fill(path: &Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0;
    loop {
        match f.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => written += n as u64,
        }
    }
    let _ = f.sync_all();
    written
}

fn event(i: usize, pad: usize) -> Value {
    let data = json!({
        "transactionId": format!("T{i}"),
        "amount": 1250,
        "note": "x".repeat(pad),
    });
    json!({"type": EVENT, "store": "store-1", "data": data, "key": format!("full-{i}")})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_loses_nothing_and_recovers() {
    if crate::support::sqlite_only("a full disk under the SQLite file") {
        return;
    }
    let dir = TestDir::new();
    let Some(mut mounted) = Mounted::mount(&dir.path().join("mnt"), "24m") else {
        eprintln!("skipped: mounting a tmpfs was refused (this test needs root)");
        return;
    };
    let data = mounted.point.join("data");
    let receiver = TestReceiver::start(Reply::status(200)).await;
    let (_, token) = {
        let (p, u) = (data.clone(), receiver.url("/full"));
        tokio::task::spawn_blocking(move || set_up_with_session(&p, &u))
            .await
            .unwrap()
    };
    let (child, addr) = {
        let p = data.clone();
        tokio::task::spawn_blocking(move || start_serve(&p))
            .await
            .unwrap()
    };
    mounted.serve = Some(child);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let url = format!("http://{addr}/v1/events");
    let mut accepted: Vec<String> = Vec::new();
    let mut refused_keys: Vec<String> = Vec::new();
    let mut i = 0;
    for _ in 0..20 {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&event(i, 100))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
        accepted.push(
            r.json::<Value>().await.unwrap()["event_id"]
                .as_str()
                .unwrap()
                .into(),
        );
        i += 1;
    }

    let filler = mounted.point.join("filler");
    let filled = fill(&filler);
    assert!(filled > 0, "the filler took the free space");
    // Large events need new log pages, which the full disk refuses.
    let mut got_503 = None;
    for _ in 0..200 {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&event(i, 200_000))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let retry_after = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body: Value = r.json().await.unwrap();
        if status == 202 {
            accepted.push(body["event_id"].as_str().unwrap().into());
        } else {
            assert_eq!(status, 503, "a full disk is a 503, not {status}: {body}");
            refused_keys.push(format!("full-{i}"));
            got_503 = Some((retry_after, body));
            i += 1;
            break;
        }
        i += 1;
    }
    let (retry_after, body) = got_503.expect("ingest refused an event once the disk was full");
    let secs: u64 = retry_after
        .expect("a Retry-After header")
        .parse()
        .expect("Retry-After in seconds");
    assert!(secs > 0);
    assert_eq!(body["code"], "storage_unavailable");
    assert!(body["message"].as_str().unwrap().contains("disk is full"));
    // Still full: small events are refused too (or stored whole, if a page was free).
    for _ in 0..5 {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&event(i, 200_000))
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            202 => accepted.push(
                r.json::<Value>().await.unwrap()["event_id"]
                    .as_str()
                    .unwrap()
                    .into(),
            ),
            503 => refused_keys.push(format!("full-{i}")),
            s => panic!("unexpected status {s}"),
        }
        i += 1;
    }

    std::fs::remove_file(&filler).unwrap();
    // Accepts again by itself: no restart, no operator action.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&event(i, 100))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 202 {
            accepted.push(
                r.json::<Value>().await.unwrap()["event_id"]
                    .as_str()
                    .unwrap()
                    .into(),
            );
            break;
        }
        assert_eq!(r.status().as_u16(), 503);
        assert!(
            Instant::now() < deadline,
            "ingest did not recover after space came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
        i += 1;
    }

    // Every acknowledged event reaches the receiver.
    let want: HashSet<String> = accepted.iter().cloned().collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let seen: HashSet<String> = receiver
            .captured()
            .iter()
            .filter_map(|c| serde_json::from_slice::<Value>(&c.body).ok())
            .filter_map(|v| v["event_id"].as_str().map(str::to_string))
            .collect();
        let missing = want.difference(&seen).count();
        if missing == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{missing} acknowledged events were not delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    if let Some(mut c) = mounted.serve.take() {
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let _ = c.wait();
    }
    // Nothing half-written: refused events left no row, every stored event has its delivery.
    let ctx = crate::support::open_ctx(
        &data,
        std::sync::Arc::new(hookdesk_core::clock::SystemClock),
    )
    .unwrap();
    let conn = ctx.db.conn();
    let count = |sql: &str| -> i64 {
        conn.query_row(sql, hookdesk_core::args![], |r| r.get(0))
            .unwrap()
    };
    let check: String = conn
        .query_row("PRAGMA integrity_check", hookdesk_core::args![], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(check, "ok");
    assert_eq!(count("SELECT COUNT(*) FROM events") as usize, want.len());
    assert_eq!(
        count("SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_row = e.id)"),
        0
    );
    for key in &refused_keys {
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM events WHERE idem_key = ?1",
                hookdesk_core::args![key],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "the refused event {key} left a row");
    }
}
