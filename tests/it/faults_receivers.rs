//! Misbehaving receivers on loopback: every fault ends in its expected state, nothing panics, and a healthy
//! hook on the same event is delivered in the same step whatever its neighbour does.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::transport::http::MAX_RESPONSE_BODY;
use hookdesk_core::domain::HookInput;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::rustls;

use crate::support::engine::*;
use crate::wire_receiver::{Reply, TestReceiver};

const EVENT: &str = "transaction.sale.success";
/// The hook timeout every fault runs under: short, so a hang costs a second, not fifteen.
const TIMEOUT_MS: i64 = 1_000;
/// A hung or trickling receiver must be cut off on time: not early, and nowhere near the trickle's end.
const ON_TIME: std::ops::Range<i64> = 900..5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Reset,
    Hang,
    TrickleBody,
    TrickleHeaders,
    Unavailable,
    TooMany,
    Gone,
    Redirect,
    Oversized,
    NulInBody,
    SelfSignedTls,
}

const ALL: [Fault; 11] = [
    Fault::Reset,
    Fault::Hang,
    Fault::TrickleBody,
    Fault::TrickleHeaders,
    Fault::Unavailable,
    Fault::TooMany,
    Fault::Gone,
    Fault::Redirect,
    Fault::Oversized,
    Fault::NulInBody,
    Fault::SelfSignedTls,
];

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::Reset => "connection reset",
            Fault::Hang => "accept and hang",
            Fault::TrickleBody => "200, body trickled",
            Fault::TrickleHeaders => "headers trickled",
            Fault::Unavailable => "503",
            Fault::TooMany => "429 Retry-After 120",
            Fault::Gone => "410",
            Fault::Redirect => "302 to a listener",
            Fault::Oversized => "200 with 1 MiB body",
            Fault::NulInBody => "200, NUL in the body",
            Fault::SelfSignedTls => "TLS self-signed",
        }
    }
}

/// What the receiver side saw, for the checks that need it.
#[derive(Default)]
struct Seen {
    /// TCP connections accepted.
    connections: AtomicUsize,
    /// Complete HTTP requests read (over TLS: decrypted bytes read, which must stay 0).
    requests: AtomicUsize,
}

/// A running misbehaving receiver. Dropping it stops the listener and every connection it holds.
struct Running {
    url: String,
    seen: Arc<Seen>,
    /// Where a redirect points: it must never be asked anything.
    target: Option<TestReceiver>,
    task: Option<JoinHandle<()>>,
    _http: Option<TestReceiver>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn start(fault: Fault) -> Running {
    let seen = Arc::new(Seen::default());
    let mut run = Running {
        url: String::new(),
        seen: seen.clone(),
        target: None,
        task: None,
        _http: None,
    };
    let reply = match fault {
        Fault::Reset | Fault::Hang | Fault::TrickleBody | Fault::TrickleHeaders => {
            let (url, task) = raw(fault, seen).await;
            (run.url, run.task) = (url, Some(task));
            return run;
        }
        Fault::SelfSignedTls => {
            let (url, task) = tls(seen).await;
            (run.url, run.task) = (url, Some(task));
            return run;
        }
        Fault::Unavailable => Reply::status(503),
        Fault::TooMany => Reply::status(429).with_header("Retry-After", "120"),
        Fault::Gone => Reply::status(410),
        Fault::Redirect => {
            let elsewhere = TestReceiver::start(Reply::status(200)).await;
            let to = elsewhere.url("/moved");
            run.target = Some(elsewhere);
            Reply::status(302).with_header("Location", &to)
        }
        Fault::Oversized => Reply::status(200).with_body(vec![b'x'; 1024 * 1024]),
        Fault::NulInBody => Reply::status(200).with_body(b"ok\0done".to_vec()),
    };
    let receiver = TestReceiver::start(reply).await;
    run.url = receiver.url("/hook");
    run._http = Some(receiver);
    run
}

async fn bind() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    (listener, addr)
}

/// Reads one request (head and Content-Length body); false when the peer went away first.
async fn read_request(s: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return true;
            }
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Writes `head` at once, then `tail` one byte every 300 ms, until done or the client hangs up.
async fn trickle(s: &mut TcpStream, head: &[u8], tail: &[u8]) {
    if s.write_all(head).await.is_err() {
        return;
    }
    for b in tail {
        if s.write_all(std::slice::from_ref(b)).await.is_err() || s.flush().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn misbehave(fault: Fault, mut s: TcpStream, seen: Arc<Seen>) {
    if !read_request(&mut s).await {
        return;
    }
    seen.requests.fetch_add(1, Ordering::SeqCst);
    match fault {
        Fault::Reset => {
            // Linger 0: closing sends RST instead of FIN. The deprecation warns that a lingering close
            // blocks the thread; with a zero timeout the close is immediate.
            #[allow(deprecated)]
            let _ = s.set_linger(Some(Duration::ZERO));
            drop(s);
        }
        Fault::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Fault::TrickleBody => {
            let head =
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n";
            trickle(&mut s, head, &[b'.'; 100]).await;
        }
        Fault::TrickleHeaders => {
            let tail = b"X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
            trickle(&mut s, b"HTTP/1.1 200 OK\r\n", tail).await;
        }
        _ => {}
    }
}

/// A plain TCP receiver that reads the request and then misbehaves as `fault` says.
async fn raw(fault: Fault, seen: Arc<Seen>) -> (String, JoinHandle<()>) {
    let (listener, addr) = bind().await;
    let task = tokio::spawn(async move {
        // Owned here so aborting this task also ends every held connection.
        let mut conns = JoinSet::new();
        while let Ok((s, _)) = listener.accept().await {
            seen.connections.fetch_add(1, Ordering::SeqCst);
            conns.spawn(misbehave(fault, s, seen.clone()));
        }
    });
    (format!("http://{addr}/hook"), task)
}

/// An HTTPS receiver with a freshly generated self-signed certificate: a correct client refuses it.
async fn tls(seen: Arc<Seen>) -> (String, JoinHandle<()>) {
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()])
        .expect("certificate");
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key_pair.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert.cert.der().clone()], key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let (listener, addr) = bind().await;
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        while let Ok((s, _)) = listener.accept().await {
            seen.connections.fetch_add(1, Ordering::SeqCst);
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            conns.spawn(async move {
                let Ok(mut tls) = acceptor.accept(s).await else {
                    return;
                };
                let mut buf = [0u8; 1024];
                if let Ok(n) = tls.read(&mut buf).await {
                    seen.requests.fetch_add(n, Ordering::SeqCst);
                }
            });
        }
    });
    (format!("https://{addr}/hook"), task)
}

/// The faulty hook's only attempt and its delivery's state afterwards.
#[derive(Debug)]
struct Row {
    status_code: Option<i64>,
    error_kind: Option<String>,
    error_message: Option<String>,
    latency_ms: i64,
    body_bytes: i64,
    state: String,
    next_attempt_at: Option<i64>,
}

fn row(e: &Eng, hook: &str) -> Row {
    e.ctx
        .db
        .conn()
        .query_row(
            "SELECT a.status_code, a.error_kind, a.error_message, a.latency_ms,
                    octet_length(a.response_body), d.status, d.next_attempt_at
             FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
             WHERE d.hook_id = ?1",
            hookdesk_core::args![hook],
            |r| {
                Ok(Row {
                    status_code: r.get(0)?,
                    error_kind: r.get(1)?,
                    error_message: r.get(2)?,
                    latency_ms: r.get(3)?,
                    body_bytes: r.get(4)?,
                    state: r.get(5)?,
                    next_attempt_at: r.get(6)?,
                })
            },
        )
        .expect("exactly one attempt recorded for the hook")
}

fn faulty_hook(url: &str, fault: Fault) -> HookInput {
    HookInput {
        label: fault.name().into(),
        timeout_ms: Some(TIMEOUT_MS),
        retry_preset: Some("standard".into()),
        ..hook_input(url, &[EVENT])
    }
}

/// The expected end state of each fault; `now` is the time of the step.
fn check(fault: Fault, r: &Row, run: &Running, e: &Eng, hook: &str) {
    let now = e.now();
    let kind = r.error_kind.as_deref();
    let ctx = format!("{}: {r:?}", fault.name());
    let retrying = |r: &Row| {
        assert_eq!(r.state, "failed", "{ctx}");
        assert!(r.next_attempt_at.is_some_and(|t| t > now), "{ctx}");
    };
    match fault {
        Fault::Reset => {
            assert_eq!(r.status_code, None, "{ctx}");
            assert!(matches!(kind, Some("other" | "connect" | "body")), "{ctx}");
            assert!(r.latency_ms < ON_TIME.start, "a reset is immediate: {ctx}");
            assert_eq!(run.seen.requests.load(Ordering::SeqCst), 1, "{ctx}");
            retrying(r);
        }
        Fault::Hang | Fault::TrickleHeaders => {
            assert_eq!(r.status_code, None, "{ctx}");
            assert_eq!(kind, Some("timeout"), "{ctx}");
            assert!(ON_TIME.contains(&r.latency_ms), "{ctx}");
            retrying(r);
        }
        Fault::TrickleBody => {
            // The 200 arrived, so the receiver acknowledged (docs/architecture.md: succeeded only after a 2xx); the stalled
            // body is cut at the timeout and the log says so.
            assert_eq!(r.status_code, Some(200), "{ctx}");
            assert!(matches!(kind, Some("timeout" | "body")), "{ctx}");
            assert!(ON_TIME.contains(&r.latency_ms), "{ctx}");
            assert!(r.body_bytes < 100, "the trickle was not waited out: {ctx}");
            assert_eq!(r.state, "succeeded", "{ctx}");
        }
        Fault::Unavailable => {
            assert_eq!(
                (r.status_code, kind),
                (Some(503), Some("http_status")),
                "{ctx}"
            );
            retrying(r);
            let wait = r.next_attempt_at.unwrap_or_default() - now;
            assert!((4_000..=6_000).contains(&wait), "first retry ≈ 5 s: {ctx}");
        }
        Fault::TooMany => {
            assert_eq!(
                (r.status_code, kind),
                (Some(429), Some("http_status")),
                "{ctx}"
            );
            retrying(r);
            assert!(
                r.next_attempt_at.unwrap_or_default() >= now + 120_000,
                "{ctx}"
            );
        }
        Fault::Gone => {
            assert_eq!(
                (r.status_code, r.state.as_str()),
                (Some(410), "dead"),
                "{ctx}"
            );
            assert_eq!(r.next_attempt_at, None, "{ctx}");
            let (enabled, _, reason) = e.hook_health(hook);
            assert!(!enabled, "410 disables the hook: {ctx}");
            assert!(reason.unwrap_or_default().contains("410"), "{ctx}");
        }
        Fault::Redirect => {
            assert_eq!(
                (r.status_code, kind),
                (Some(302), Some("redirect")),
                "{ctx}"
            );
            retrying(r);
            let target = run.target.as_ref().map(|t| t.captured().len());
            assert_eq!(target, Some(0), "the redirect was not followed: {ctx}");
        }
        Fault::Oversized => {
            assert_eq!((r.status_code, kind), (Some(200), None), "{ctx}");
            assert_eq!(r.body_bytes, MAX_RESPONSE_BODY as i64, "{ctx}");
            assert_eq!(r.body_bytes, 65_536, "{ctx}");
            assert_eq!(r.state, "succeeded", "{ctx}");
        }
        Fault::NulInBody => {
            // No text column of PostgreSQL holds a NUL: it is kept as U+FFFD (3 bytes), not refused.
            assert_eq!((r.status_code, kind), (Some(200), None), "{ctx}");
            assert_eq!(r.body_bytes, 9, "{ctx}");
            assert_eq!(r.state, "succeeded", "{ctx}");
        }
        Fault::SelfSignedTls => {
            assert_eq!((r.status_code, kind), (None, Some("tls")), "{ctx}");
            assert!(run.seen.connections.load(Ordering::SeqCst) >= 1, "{ctx}");
            assert_eq!(
                run.seen.requests.load(Ordering::SeqCst),
                0,
                "nothing was sent over the refused connection: {ctx}"
            );
            retrying(r);
        }
    }
    if fault != Fault::Gone {
        assert!(e.hook_health(hook).0, "the hook stays enabled: {ctx}");
    }
}

fn print_row(name: &str, r: &Row) {
    let message: String = r
        .error_message
        .as_deref()
        .unwrap_or("-")
        .chars()
        .take(70)
        .collect();
    println!(
        "| {:<20} | {:>6} | {:<11} | {:>7} | {:>6} | {:<9} | {message}",
        name,
        r.status_code
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into()),
        r.error_kind.as_deref().unwrap_or("-"),
        r.latency_ms,
        r.body_bytes,
        r.state,
    );
}

fn print_header() {
    println!(
        "| {:<20} | {:>6} | {:<11} | {:>7} | {:>6} | {:<9} | message",
        "fault", "status", "error", "latency", "body", "state"
    );
    println!(
        "|{:-<22}|{:->8}|{:-<13}|{:->9}|{:->8}|{:-<11}|",
        "", "", "", "", "", ""
    );
}

/// Runs `faults` side by side on one engine with one healthy hook, all subscribed to the same event, in a
/// single step.
async fn run_together(faults: &[Fault]) {
    let e = Eng::new();
    let healthy = TestReceiver::start(Reply::status(204)).await;
    let healthy_hook = e.hook(HookInput {
        label: "healthy".into(),
        ..hook_input(&healthy.url("/ok"), &[EVENT])
    });
    let mut running = Vec::new();
    for &fault in faults {
        let run = start(fault).await;
        let hook = e.hook(faulty_hook(&run.url, fault));
        running.push((fault, run, hook));
    }
    e.emit(
        EVENT,
        "store-1",
        sample(EventType::parse("type", EVENT).expect("event")),
    );

    let began = Instant::now();
    let report = e.step().await;
    let took = began.elapsed();

    assert_eq!(report.claimed, faults.len() + 1);
    assert_eq!(
        healthy.captured().len(),
        1,
        "the healthy hook got its delivery in the same step"
    );
    let ok = row(&e, &healthy_hook);
    assert_eq!(
        (ok.status_code, ok.state.as_str()),
        (Some(204), "succeeded")
    );
    assert!(
        ok.latency_ms < ON_TIME.start,
        "the healthy send did not queue behind a fault: {ok:?}"
    );
    assert!(
        took < Duration::from_secs(5),
        "the step waited {took:?}: a fault held up the others"
    );

    // A panicking send would be counted dead and leave no attempt behind, so the tallies catch it.
    let expect_ok = faults
        .iter()
        .filter(|f| matches!(f, Fault::TrickleBody | Fault::Oversized | Fault::NulInBody))
        .count();
    let expect_dead = faults.iter().filter(|f| **f == Fault::Gone).count();
    assert_eq!(report.succeeded, 1 + expect_ok, "{report:?}");
    assert_eq!(report.dead, expect_dead, "{report:?}");
    assert_eq!(
        report.retrying,
        faults.len() - expect_ok - expect_dead,
        "{report:?}"
    );

    print_header();
    print_row("healthy neighbour", &ok);
    for (fault, run, hook) in &running {
        let r = row(&e, hook);
        print_row(fault.name(), &r);
        check(*fault, &r, run, &e, hook);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_reset_is_a_retried_failure() {
    run_together(&[Fault::Reset]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_receiver_times_out_on_time() {
    run_together(&[Fault::Hang]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_is_cut_at_the_timeout() {
    run_together(&[Fault::TrickleBody]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickled_headers_time_out() {
    run_together(&[Fault::TrickleHeaders]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unavailable_is_retried() {
    run_together(&[Fault::Unavailable]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_waits_for_retry_after() {
    run_together(&[Fault::TooMany]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_kills_and_disables() {
    run_together(&[Fault::Gone]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_fail_and_are_not_followed() {
    run_together(&[Fault::Redirect]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_64_kib_of_a_response_is_kept() {
    run_together(&[Fault::Oversized]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_with_a_nul_byte_is_recorded() {
    run_together(&[Fault::NulInBody]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_is_refused() {
    run_together(&[Fault::SelfSignedTls]).await;
}

/// Every fault at once: the summary table, and proof that none of them holds up the healthy hook.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_at_once_leaves_the_healthy_hook_alone() {
    run_together(&ALL).await;
}
