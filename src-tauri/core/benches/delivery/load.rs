//! Load generators: the raw keep-alive request rate against the receiver, closed-loop ingest (as fast as
//! the API accepts) and open-loop ingest at a fixed offered rate.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::receiver::Tracker;
use crate::BenchResult;

/// A keep-alive client that never drops idle connections, so the pool never limits the rate.
pub fn client() -> BenchResult<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Requests per second `concurrency` keep-alive workers reach against `url` in `window`, posting `body`
/// with the headers a delivery carries.
pub async fn raw_rate(
    url: &str,
    body: Vec<u8>,
    concurrency: usize,
    window: Duration,
) -> BenchResult<f64> {
    let client = client()?;
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let warmup = Duration::from_millis(300);
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let (client, url, body) = (client.clone(), url.to_string(), body.clone());
        let (done, failed) = (done.clone(), failed.clone());
        workers.spawn(async move {
            while started.elapsed() < warmup + window {
                let ok = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("authorization", "Bearer bench-bearer-token-0000")
                    .header("x-signature", "0".repeat(64))
                    .body(body.clone())
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                let elapsed = started.elapsed();
                if elapsed >= warmup && elapsed < warmup + window {
                    if ok { &done } else { &failed }.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    if failed.load(Ordering::Relaxed) > 0 {
        eprintln!(
            "raw run: {} requests failed",
            failed.load(Ordering::Relaxed)
        );
    }
    Ok(done.load(Ordering::Relaxed) as f64 / window.as_secs_f64())
}

/// One ingest request; the event is marked sent when the request starts and acknowledged on its 202.
async fn post_event(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    seq: u64,
    body: Vec<u8>,
    tracker: &Tracker,
) -> bool {
    tracker.mark_sent(seq);
    let res = client
        .post(url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await;
    match res {
        Ok(r) if r.status() == reqwest::StatusCode::ACCEPTED => {
            tracker.mark_acked(seq);
            true
        }
        Ok(r) => {
            eprintln!("ingest answered {} for event {seq}", r.status());
            false
        }
        Err(e) => {
            eprintln!("ingest failed for event {seq}: {e}");
            false
        }
    }
}

pub struct Ingest<'a> {
    pub addr: SocketAddr,
    pub token: &'a str,
    pub tracker: Arc<Tracker>,
    pub body: Arc<dyn Fn(u64) -> Vec<u8> + Send + Sync>,
}

impl Ingest<'_> {
    fn url(&self) -> String {
        format!("http://{}/v1/events", self.addr)
    }

    /// Posts `seqs` as fast as `concurrency` keep-alive clients can, keeping at most `max_ahead` events
    /// queued but not yet received (0 = no limit). Returns how many were refused.
    pub async fn closed_loop(
        &self,
        seqs: std::ops::Range<u64>,
        concurrency: usize,
        max_ahead: u64,
    ) -> BenchResult<u64> {
        let client = client()?;
        let next = Arc::new(AtomicU64::new(seqs.start));
        let refused = Arc::new(AtomicU64::new(0));
        let received_before = self.tracker.requests.load(Ordering::Relaxed);
        let mut workers = JoinSet::new();
        for _ in 0..concurrency {
            let (client, url, token) = (client.clone(), self.url(), self.token.to_string());
            let (next, refused, tracker, body) = (
                next.clone(),
                refused.clone(),
                self.tracker.clone(),
                self.body.clone(),
            );
            let end = seqs.end;
            let start = seqs.start;
            workers.spawn(async move {
                loop {
                    let seq = next.fetch_add(1, Ordering::Relaxed);
                    if seq >= end {
                        break;
                    }
                    let ahead =
                        |received: u64| max_ahead > 0 && seq - start >= received + max_ahead;
                    while ahead(
                        tracker
                            .requests
                            .load(Ordering::Relaxed)
                            .saturating_sub(received_before),
                    ) {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                    if !post_event(&client, &url, &token, seq, body(seq), &tracker).await {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
        while workers.join_next().await.is_some() {}
        Ok(refused.load(Ordering::Relaxed))
    }

    /// Offers `seqs` at `rate` events per second whatever the response times (each request in its own
    /// task), as a steady stream of orders would. Returns how many were refused.
    pub async fn open_loop(&self, seqs: std::ops::Range<u64>, rate: u64) -> BenchResult<u64> {
        let client = client()?;
        let refused = Arc::new(AtomicU64::new(0));
        let mut tick = tokio::time::interval(Duration::from_nanos(1_000_000_000 / rate.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        let mut requests = JoinSet::new();
        for seq in seqs {
            tick.tick().await;
            let (client, url, token) = (client.clone(), self.url(), self.token.to_string());
            let (refused, tracker, body) =
                (refused.clone(), self.tracker.clone(), (self.body)(seq));
            requests.spawn(async move {
                if !post_event(&client, &url, &token, seq, body, &tracker).await {
                    refused.fetch_add(1, Ordering::Relaxed);
                }
            });
            while requests.try_join_next().is_some() {}
        }
        while requests.join_next().await.is_some() {}
        Ok(refused.load(Ordering::Relaxed))
    }
}
