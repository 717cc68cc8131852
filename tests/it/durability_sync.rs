//! Power-safe acknowledgements: the ingest API's 202 and `hookdesk emit`'s answer leave the process only
//! after the write-ahead log holding the event was synced to stable storage. Checked on the real binaries
//! under `strace`: in the system-call trace, the thread that wrote the event to the log syncs the log
//! before the answer is written. Skipped with a message where strace is missing or may not trace.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hookdesk_core::catalog::{sample, EventType};
use serde_json::{json, Value};

use crate::engine_crash::{set_up_with_session, start_serve_under};
use crate::support::TestDir;
use crate::wire_receiver::{Reply, TestReceiver};

const BIN: &str = env!("CARGO_BIN_EXE_hookdesk");
const EVENT: &str = "transaction.sale.success";
const TRACED: &str = "trace=pwrite64,write,writev,sendto,sendmsg,fsync,fdatasync";

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-o", "/dev/null", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// One system call from the trace, reduced to what the check needs.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    WalWrite,
    /// A sync of the log that returned 0.
    WalSynced,
    Answer,
    Other,
}

/// Reads an `strace -f -y` trace into (thread, call) pairs in completion order. A call that another
/// thread interrupted (`<unfinished ...>`) counts when it is resumed and returns.
fn parse(trace: &str, answer_marker: &str) -> Vec<(String, Call)> {
    let mut pending: std::collections::HashMap<String, String> = Default::default();
    let mut out = Vec::new();
    for line in trace.lines() {
        let Some((tid, rest)) = line.split_once(' ') else {
            continue;
        };
        let rest = rest.trim_start();
        let tid = tid.to_string();
        let full = if rest.starts_with("<...") {
            match pending.remove(&tid) {
                Some(start) => format!("{start}{rest}"),
                None => continue,
            }
        } else if rest.ends_with("<unfinished ...>") {
            pending.insert(tid, rest.to_string());
            continue;
        } else {
            rest.to_string()
        };
        let wal = full.contains("-wal>");
        let call = if wal && full.starts_with("pwrite64(") {
            Call::WalWrite
        } else if wal
            && (full.starts_with("fdatasync(") || full.starts_with("fsync("))
            && full.trim_end().ends_with("= 0")
        {
            Call::WalSynced
        } else if full.contains(answer_marker) {
            Call::Answer
        } else {
            Call::Other
        };
        out.push((tid, call));
    }
    out
}

/// For every answer after the first: since the previous answer, some thread wrote the log and then
/// synced it. Returns how many answers were checked.
fn every_answer_follows_a_sync(calls: &[(String, Call)]) -> Result<usize, String> {
    let answers: Vec<usize> = calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.1 == Call::Answer)
        .map(|(i, _)| i)
        .collect();
    for pair in answers.windows(2) {
        let window = &calls[pair[0] + 1..pair[1]];
        let synced_after_own_write = window.iter().enumerate().any(|(i, (tid, c))| {
            *c == Call::WalWrite
                && window[i + 1..]
                    .iter()
                    .any(|(t, c)| t == tid && *c == Call::WalSynced)
        });
        if !synced_after_own_write {
            return Err(format!(
                "an answer was written before the log holding its event was synced (calls {}..{})",
                pair[0], pair[1]
            ));
        }
    }
    Ok(answers.len().saturating_sub(1))
}

fn strace_args(out: &Path) -> Vec<String> {
    ["strace", "-f", "-y", "-qq", "-s", "48", "-e", TRACED, "-o"]
        .iter()
        .map(|s| s.to_string())
        .chain([out.display().to_string()])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingest_answers_202_only_after_the_log_is_synced() {
    if crate::support::sqlite_only("the SQLite log's fsync before each answer") {
        return;
    }
    if !strace_works() {
        eprintln!("skipped: strace is not installed or may not trace here");
        return;
    }
    let dir = TestDir::new();
    let path = dir.path();
    let receiver = TestReceiver::start(Reply::status(200)).await;
    let (_, token) = {
        let (p, u) = (path.clone(), receiver.url("/sync"));
        tokio::task::spawn_blocking(move || set_up_with_session(&p, &u))
            .await
            .unwrap()
    };
    let trace = path.join("serve.strace");
    let args = strace_args(&trace);
    let wrapper: Vec<&str> = args.iter().map(String::as_str).collect();
    let (p, w) = (
        path.clone(),
        wrapper.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    let (mut child, addr) = tokio::task::spawn_blocking(move || {
        let w: Vec<&str> = w.iter().map(String::as_str).collect();
        start_serve_under(&p, &w)
    })
    .await
    .unwrap();
    let http = reqwest::Client::new();
    let data = sample(EventType::parse("t", EVENT).unwrap());
    for i in 0..6 {
        let body =
            json!({"type": EVENT, "store": "store-1", "data": data, "key": format!("sync-{i}")});
        let resp = http
            .post(format!("http://{addr}/v1/events"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 202);
        // One request at a time, apart, so each answer's window holds its own commit.
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    // SIGTERM to serve itself (strace's child): serve drains and exits, then strace does.
    let traced = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", child.id()))
        .unwrap_or_default();
    for pid in traced.split_whitespace() {
        let _ = Command::new("kill").args(["-TERM", pid]).status();
    }
    tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let text = std::fs::read_to_string(&trace).expect("strace output");
    let calls = parse(&text, "HTTP/1.1 202");
    let checked = every_answer_follows_a_sync(&calls).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(checked, 5, "five answers after the first were checked");
}

#[test]
fn emit_prints_its_answer_only_after_the_log_is_synced() {
    if crate::support::sqlite_only("the SQLite log's fsync before each answer") {
        return;
    }
    if !strace_works() {
        eprintln!("skipped: strace is not installed or may not trace here");
        return;
    }
    let dir = TestDir::new();
    let path = dir.path();
    let (session, _) = set_up_with_session(&path, "http://127.0.0.1:9/none");
    // An empty log, so the commit cannot trigger an automatic checkpoint (which syncs the log anyway).
    {
        let ctx = crate::support::open_ctx(
            &path,
            std::sync::Arc::new(hookdesk_core::clock::SystemClock),
        )
        .unwrap();
        let conn = ctx.db.conn();
        conn.query_row(
            "PRAGMA wal_checkpoint(TRUNCATE)",
            hookdesk_core::args![],
            |_| Ok(()),
        )
        .unwrap();
    }
    let trace = path.join("emit.strace");
    let data = sample(EventType::parse("t", EVENT).unwrap()).to_string();
    let mut args = strace_args(&trace);
    args.push(BIN.into());
    let out = Command::new(&args[0])
        .args(&args[1..])
        .args(["--json", "--data-dir"])
        .arg(&path)
        .args([
            "emit", "--type", EVENT, "--store", "store-1", "--data", &data,
        ])
        .env("HOOKDESK_SESSION", &session)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["deliveries"], 1);
    let text = std::fs::read_to_string(&trace).unwrap();
    // The answer is the one write to stdout; the last log write before it (the event's commit) must be
    // synced by the thread that wrote it before the answer.
    let calls = parse(&text, "write(1<");
    let answer = calls
        .iter()
        .position(|c| c.1 == Call::Answer)
        .expect("the answer in the trace");
    let before = &calls[..answer];
    let last_write = before
        .iter()
        .rposition(|c| c.1 == Call::WalWrite)
        .expect("the event's log write");
    let tid = &before[last_write].0;
    assert!(
        before[last_write..]
            .iter()
            .any(|(t, c)| t == tid && *c == Call::WalSynced),
        "emit printed its answer before the log holding the event was synced"
    );
}

#[test]
fn the_check_refuses_an_answer_before_the_sync() {
    let t = |c: Call| ("7".to_string(), c);
    let ok = [
        t(Call::Answer),
        t(Call::WalWrite),
        t(Call::WalSynced),
        t(Call::Answer),
    ];
    assert_eq!(every_answer_follows_a_sync(&ok), Ok(1));
    let early = [
        t(Call::Answer),
        t(Call::WalWrite),
        t(Call::Answer),
        t(Call::WalSynced),
    ];
    assert!(every_answer_follows_a_sync(&early).is_err());
    let other_thread = [
        t(Call::Answer),
        t(Call::WalWrite),
        ("8".to_string(), Call::WalSynced),
        t(Call::Answer),
    ];
    assert!(every_answer_follows_a_sync(&other_thread).is_err());
    let trace = "7 pwrite64(5</d/hookdesk.db-wal>, \"x\", 4120, 32) = 4120\n\
                 7 fdatasync(5</d/hookdesk.db-wal> <unfinished ...>\n\
                 9 write(3<socket>, \"x\", 1) = 1\n\
                 7 <... fdatasync resumed>) = 0\n";
    let calls = parse(trace, "HTTP/1.1 202");
    assert_eq!(
        calls.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
        [Call::WalWrite, Call::Other, Call::WalSynced]
    );
}
