//! The receiving end: a minimal HTTP server on 127.0.0.1 that answers 200 to everything and notes when
//! each benchmark event arrived, so the latency from ingest to receipt can be read per event.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;

use crate::BenchResult;

/// The marker every benchmark payload carries in its `data`, found in the rendered body without parsing it.
pub const SEQ_FIELD: &str = "bench_seq";

/// Per-event timestamps (nanoseconds since `epoch`, plus one so that zero means "not yet").
/// Sequence numbers at or beyond the capacity are counted but not timed, so the long memory run does not
/// measure the benchmark's own bookkeeping.
pub struct Tracker {
    epoch: Instant,
    sent: Vec<AtomicU64>,
    acked: Vec<AtomicU64>,
    received: Vec<AtomicU64>,
    /// Every request the receiver answered, timed or not.
    pub requests: AtomicU64,
    /// Timed events seen for the first time.
    pub unique: AtomicU64,
    /// Timed events seen again (at-least-once allows it; it should still be rare).
    pub duplicates: AtomicU64,
}

impl Tracker {
    pub fn new(capacity: usize) -> Tracker {
        let slots = || (0..capacity).map(|_| AtomicU64::new(0)).collect::<Vec<_>>();
        Tracker {
            epoch: Instant::now(),
            sent: slots(),
            acked: slots(),
            received: slots(),
            requests: AtomicU64::new(0),
            unique: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
        }
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64 + 1
    }

    pub fn mark_sent(&self, seq: u64) {
        if let Some(s) = self.sent.get(seq as usize) {
            s.store(self.now(), Ordering::Relaxed);
        }
    }

    pub fn mark_acked(&self, seq: u64) {
        if let Some(s) = self.acked.get(seq as usize) {
            s.store(self.now(), Ordering::Relaxed);
        }
    }

    fn mark_received(&self, seq: Option<u64>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let Some(slot) = seq.and_then(|s| self.received.get(s as usize)) else {
            return;
        };
        if slot
            .compare_exchange(0, self.now(), Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.unique.fetch_add(1, Ordering::Relaxed);
        } else {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Ingest → receipt and ingest → 202 in nanoseconds for `seqs`, and how many never arrived.
    pub fn latencies(&self, seqs: std::ops::Range<u64>) -> Latencies {
        let mut out = Latencies::default();
        for seq in seqs {
            let i = seq as usize;
            let (Some(s), Some(a), Some(r)) =
                (self.sent.get(i), self.acked.get(i), self.received.get(i))
            else {
                out.missing += 1;
                continue;
            };
            let (s, a, r) = (
                s.load(Ordering::Relaxed),
                a.load(Ordering::Relaxed),
                r.load(Ordering::Relaxed),
            );
            if s == 0 || r == 0 {
                out.missing += 1;
                continue;
            }
            out.to_receipt.push(r.saturating_sub(s));
            if a != 0 {
                out.to_ack.push(a.saturating_sub(s));
            }
        }
        out.to_receipt.sort_unstable();
        out.to_ack.sort_unstable();
        out
    }
}

#[derive(Debug, Default)]
pub struct Latencies {
    pub to_receipt: Vec<u64>,
    pub to_ack: Vec<u64>,
    pub missing: u64,
}

/// The value after `"bench_seq":` in a body, if any.
fn find_seq(body: &[u8]) -> Option<u64> {
    let needle = format!("\"{SEQ_FIELD}\":");
    let at = body
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())?
        + needle.len();
    let digits = body[at..].iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&body[at..at + digits])
        .ok()?
        .parse()
        .ok()
}

/// How long the receiver takes to answer, in milliseconds: 0 except in the team-scaling run, where a
/// slow receiver makes the workers, not the CPU, the limit.
pub static ANSWER_AFTER_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

async fn receive(State(t): State<Arc<Tracker>>, body: Bytes) -> StatusCode {
    t.mark_received(find_seq(&body));
    let wait = ANSWER_AFTER_MS.load(std::sync::atomic::Ordering::Relaxed);
    if wait > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
    }
    StatusCode::OK
}

/// Starts the receiver on a free loopback port; it runs until the process ends.
pub async fn start(tracker: Arc<Tracker>) -> BenchResult<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        // Small request/response pairs: do not let Nagle hold a response back.
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new().fallback(receive).with_state(tracker);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("receiver stopped: {e}");
        }
    });
    Ok(addr)
}
