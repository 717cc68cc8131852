//! Delivery benchmark (issue "Delivery performance"). Run with
//!
//! ```text
//! cargo bench -p hookdesk-core --bench delivery
//! ```
//!
//! In one run it starts a minimal HTTP receiver on 127.0.0.1, measures the raw rate a keep-alive client
//! reaches against it, then pushes events through the real path (HTTP ingest → SQLite outbox → engine →
//! the same receiver, everything committed before it is sent) and prints throughput, latency at a fixed
//! offered rate, peak memory and database size against the targets.
//!
//! Environment:
//! - `HOOKDESK_BENCH_EVENTS` events per throughput run (default 20000); each goes to one of 10 hooks.
//! - `HOOKDESK_BENCH_PAYLOAD` bytes of event data (default 256; 1536 for the storage target).
//! - `HOOKDESK_BENCH_RATE`, `HOOKDESK_BENCH_LATENCY_SECS` the offered rate and how long it is held
//!   (default 1000 events/s for 10 s, after a 1 s warm-up).
//! - `HOOKDESK_BENCH_LONG=1` adds the memory run (`HOOKDESK_BENCH_MEMORY_DELIVERIES`, default 1000000)
//!   and the delivery-log page with `HOOKDESK_BENCH_LOG_ROWS` attempt rows (default 1000000).
//! - `HOOKDESK_BENCH_ONLY=raw,throughput,drain,latency,breakdown,memory,logpage` runs just those parts;
//!   `team` (with HOOKDESK_BENCH_DATABASE) runs 1, 2 and 3 workers on one PostgreSQL database.

mod breakdown;
mod load;
mod logpage;
mod measure;
mod receiver;
mod report;
mod setup;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use measure::{memory_kib, ms, percentile, reset_peak, Watcher};
use receiver::Tracker;
use report::Report;
use setup::{ingest_body, Running, Site};

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

const HOOKS: usize = 10;
const INGEST_CLIENTS: usize = 64;
const DRAIN_TIMEOUT: Duration = Duration::from_secs(900);

struct Config {
    events: u64,
    rate: u64,
    latency_secs: u64,
    memory_deliveries: u64,
    log_rows: u64,
    /// Bytes of event `data` (`HOOKDESK_BENCH_PAYLOAD`, default 256; the storage target is for 1,536).
    payload: usize,
    parts: Vec<String>,
}

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

impl Config {
    fn from_env() -> Config {
        let long = std::env::var("HOOKDESK_BENCH_LONG").is_ok_and(|v| v == "1");
        let mut parts: Vec<String> = match std::env::var("HOOKDESK_BENCH_ONLY") {
            Ok(v) if !v.trim().is_empty() => v.split(',').map(|p| p.trim().to_string()).collect(),
            _ => ["raw", "throughput", "drain", "latency", "breakdown"]
                .map(String::from)
                .to_vec(),
        };
        if long {
            parts.extend(["memory", "logpage"].map(String::from));
        }
        Config {
            events: env_num("HOOKDESK_BENCH_EVENTS", 20_000).max(1),
            rate: env_num("HOOKDESK_BENCH_RATE", 1_000).max(1),
            latency_secs: env_num("HOOKDESK_BENCH_LATENCY_SECS", 10).max(1),
            memory_deliveries: env_num("HOOKDESK_BENCH_MEMORY_DELIVERIES", 1_000_000).max(20_000),
            log_rows: env_num("HOOKDESK_BENCH_LOG_ROWS", 1_000_000),
            payload: env_num("HOOKDESK_BENCH_PAYLOAD", 256).clamp(64, 256 * 1024) as usize,
            parts,
        }
    }

    fn wants(&self, part: &str) -> bool {
        self.parts.iter().any(|p| p == part)
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// A body shaped like the one the engine renders for the benchmark event, for the raw run.
fn raw_body(payload: usize) -> Vec<u8> {
    json!({
        "type": "event",
        "event_triggered": "2025-01-01 00:00:00",
        "event_type": setup::EVENT_TYPE,
        "event_body": {"merchant": {"merch_key": "7qwnw4j2kmqvrb3"}, "object": setup::event_data(u64::MAX, payload)},
        "event_id": "0".repeat(64),
    })
    .to_string()
    .into_bytes()
}

struct Bench {
    cfg: Config,
    tracker: Arc<Tracker>,
    receiver: std::net::SocketAddr,
    report: Report,
    raw: Option<f64>,
    /// The throughput run's data directory, kept for the log-page run.
    pushed: Option<Site>,
    next_seq: u64,
    /// The highest peak seen before a run part started its own peak window.
    peak_kib: u64,
}

impl Bench {
    fn seqs(&mut self, n: u64) -> std::ops::Range<u64> {
        let start = self.next_seq;
        self.next_seq += n;
        start..self.next_seq
    }

    /// Starts a new peak-RSS window for one part, keeping the whole run's peak.
    fn new_peak_window(&mut self) {
        self.peak_kib = self.peak_kib.max(memory_kib().0);
        reset_peak();
    }

    fn ingest<'a>(&self, site: &'a Site, running: &Running) -> load::Ingest<'a> {
        let stores = site.stores.clone();
        let payload = self.cfg.payload;
        load::Ingest {
            addr: running.ingest,
            token: site.token.expose(),
            tracker: self.tracker.clone(),
            body: Arc::new(move |seq| ingest_body(seq, &stores, payload)),
        }
    }

    async fn raw(&mut self) -> BenchResult<()> {
        let url = format!("http://{}/raw", self.receiver);
        let mut best = (0.0, 0);
        for concurrency in [8, 32, 128] {
            let rate = load::raw_rate(
                &url,
                raw_body(self.cfg.payload),
                concurrency,
                Duration::from_secs(2),
            )
            .await?;
            eprintln!("raw: {concurrency:>3} keep-alive clients: {rate:.0} requests/s");
            if rate > best.0 {
                best = (rate, concurrency);
            }
        }
        self.raw = Some(best.0);
        self.report.info(
            "raw keep-alive rate (receiver limit)",
            format!("{:.0} req/s", best.0),
        );
        self.report
            .info("  best at concurrency", best.1.to_string());
        Ok(())
    }

    fn against_raw(&mut self, figure: &str, rate: f64) {
        match self.raw {
            Some(raw) if raw > 0.0 => {
                let ratio = rate / raw;
                self.report.check(
                    figure,
                    format!("{ratio:.2} x raw"),
                    ">= 0.50 x raw",
                    ratio >= 0.5,
                );
            }
            _ => self.report.info(figure, "n/a (raw run skipped)"),
        }
    }

    /// Posts `n` events to the first of `running`'s ingest APIs while all of them deliver, stops them
    /// once every delivery succeeded, and answers deliveries/s from the first post, and the refusals.
    async fn post_and_drain(
        &mut self,
        site: &Site,
        running: Vec<Running>,
        n: u64,
        what: &str,
    ) -> BenchResult<(f64, u64)> {
        let watcher = Watcher::new(&site.ctx)?;
        let seqs = self.seqs(n);
        let started = Instant::now();
        let refused = self
            .ingest(site, &running[0])
            .closed_loop(seqs, INGEST_CLIENTS, 0)
            .await?;
        let ingested = started.elapsed();
        let done = watcher.until_succeeded(n, DRAIN_TIMEOUT).await?;
        for r in running {
            r.stop().await?;
        }
        let Some(done) = done else {
            return Err(format!(
                "{what}: only {} of {n} deliveries succeeded",
                watcher.count("succeeded")?
            )
            .into());
        };
        let secs = done.duration_since(started).as_secs_f64();
        eprintln!(
            "{what}: {n} events ingested in {:.1} s, all delivered after {secs:.1} s",
            ingested.as_secs_f64()
        );
        Ok((n as f64 / secs, refused))
    }

    /// Team scaling: 1, 2 and 3 workers (engines with their own sessions) on one PostgreSQL database,
    /// the receiver answering after 50 ms (README, Team mode). Events go to the first worker's ingest API.
    async fn team(&mut self) -> BenchResult<()> {
        let n = self.cfg.events.min(6_000);
        receiver::ANSWER_AFTER_MS.store(50, Ordering::Relaxed);
        let out = async {
            for workers in 1..=3usize {
                let site = setup::build(self.receiver, HOOKS)?;
                let mut running = vec![Running::start(site.ctx.clone(), true).await?];
                for _ in 1..workers {
                    let ctx = Arc::new(hookdesk_core::Ctx::open_at(
                        site.ctx.db.data_dir(),
                        site.ctx.db.database_url(),
                        Arc::new(hookdesk_core::clock::SystemClock),
                        hookdesk_core::crypto::system_key_store().as_ref(),
                    )?);
                    running.push(Running::start(ctx, true).await?);
                }
                let what = format!("team of {workers}");
                let (rate, _) = self.post_and_drain(&site, running, n, &what).await?;
                self.report.info(
                    format!("PostgreSQL, {workers} worker(s), receiver answering after 50 ms"),
                    format!("{rate:.0} deliveries/s"),
                );
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        }
        .await;
        receiver::ANSWER_AFTER_MS.store(0, Ordering::Relaxed);
        out
    }

    /// The throughput run again with the data in PostgreSQL (HOOKDESK_BENCH_DATABASE), for the figure
    /// beside SQLite's (README, Performance).
    async fn throughput_postgres(&mut self) -> BenchResult<()> {
        let n = self.cfg.events;
        let site = setup::build(self.receiver, HOOKS)?;
        let running = vec![Running::start(site.ctx.clone(), true).await?];
        let (rate, refused) = self
            .post_and_drain(&site, running, n, "throughput on PostgreSQL")
            .await?;
        self.report
            .info("PostgreSQL: refused by ingest", refused.to_string());
        self.report.check(
            "PostgreSQL: durable deliveries/s (ingest + engine)",
            format!("{rate:.0}/s"),
            ">= 6,000/s (3 x Svix OSS)",
            rate >= 6_000.0,
        );
        Ok(())
    }

    /// Ingest and engine running together, as in production: N events posted as fast as the API takes
    /// them; the clock stops when the database has recorded every delivery as succeeded.
    async fn throughput(&mut self) -> BenchResult<()> {
        let n = self.cfg.events;
        let site = setup::build(self.receiver, HOOKS)?;
        let running = Running::start(site.ctx.clone(), true).await?;
        let watcher = Watcher::new(&site.ctx)?;
        let seqs = self.seqs(n);
        self.new_peak_window();
        let frames_before = hookdesk_core::store::wal_frames();
        let commits_before = hookdesk_core::store::commits();
        let started = Instant::now();
        let refused = self
            .ingest(&site, &running)
            .closed_loop(seqs, INGEST_CLIENTS, 0)
            .await?;
        let ingested = started.elapsed();
        let done = watcher.until_succeeded(n, DRAIN_TIMEOUT).await?;
        let syncs = hookdesk_core::store::commits() - commits_before;
        let frames = hookdesk_core::store::wal_frames() - frames_before;
        let (hwm, _) = memory_kib();
        running.stop().await?;
        let Some(done) = done else {
            return Err(format!(
                "only {} of {n} deliveries succeeded",
                watcher.count("succeeded")?
            )
            .into());
        };
        let rate = n as f64 / done.duration_since(started).as_secs_f64();
        eprintln!(
            "throughput: {n} events ingested in {:.1} s, all delivered after {:.1} s",
            ingested.as_secs_f64(),
            done.duration_since(started).as_secs_f64()
        );
        self.report
            .info("events (1 delivery each, 10 hooks)", n.to_string());
        self.report.info("refused by ingest", refused.to_string());
        self.report.info(
            "durable deliveries/s (ingest + engine)",
            format!("{rate:.0}"),
        );
        self.report.check(
            "  vs. before power-safe commits",
            format!("{rate:.0}/s"),
            ">= 5,567/s at 256 B",
            self.cfg.payload != 256 || rate >= 5_567.0,
        );
        self.against_raw("  ratio to raw rate", rate);
        let secs = done.duration_since(started).as_secs_f64();
        self.report.info(
            "  log syncs (durable commits)",
            format!("{syncs} ({:.0}/s)", syncs as f64 / secs),
        );
        self.report.info(
            "  events per sync / writes per sync",
            format!(
                "{:.1} / {:.1} (an event and its attempt are two writes)",
                n as f64 / syncs.max(1) as f64,
                2.0 * n as f64 / syncs.max(1) as f64
            ),
        );
        self.report.info(
            "  ingest rate while delivering",
            format!("{:.0} events/s", n as f64 / ingested.as_secs_f64()),
        );
        self.report.info("peak RSS (throughput run)", mib(hwm));
        self.report.info(
            "WAL pages written per delivery",
            format!("{:.1}", frames as f64 / n as f64),
        );
        let bytes = measure::db_bytes(&site.ctx)?;
        self.report.info(
            "database size per 1,000 deliveries",
            format!("{:.0} KiB", bytes as f64 / 1024.0 / (n as f64 / 1000.0)),
        );
        let per = bytes as f64 / n as f64;
        self.report.check(
            format!("  per delivery ({} B payloads)", self.cfg.payload),
            format!("{:.2} KiB", per / 1024.0),
            "<= 4 KB at 1,536 B",
            self.cfg.payload != 1536 || per <= 4096.0,
        );
        self.pushed = Some(site);
        Ok(())
    }

    /// A backlog (receiver was down, say): N events ingested with the engine stopped, then drained.
    async fn drain(&mut self) -> BenchResult<Site> {
        let n = self.cfg.events;
        let site = setup::build(self.receiver, HOOKS)?;
        let mut running = Running::start(site.ctx.clone(), false).await?;
        let watcher = Watcher::new(&site.ctx)?;
        let seqs = self.seqs(n);
        let started = Instant::now();
        let refused = self
            .ingest(&site, &running)
            .closed_loop(seqs, INGEST_CLIENTS, 0)
            .await?;
        let ingest_rate = n as f64 / started.elapsed().as_secs_f64();
        let started = Instant::now();
        running.start_engine();
        let done = watcher.until_succeeded(n, DRAIN_TIMEOUT).await?;
        running.stop().await?;
        let Some(done) = done else {
            return Err(format!(
                "only {} of {n} deliveries succeeded",
                watcher.count("succeeded")?
            )
            .into());
        };
        let rate = n as f64 / done.duration_since(started).as_secs_f64();
        self.report.info(
            "ingest only (engine stopped)",
            format!("{ingest_rate:.0} events/s"),
        );
        if refused > 0 {
            self.report.info("  refused", refused.to_string());
        }
        self.report.info(
            "backlog drain, engine only",
            format!("{rate:.0} deliveries/s"),
        );
        self.against_raw("  ratio to raw rate", rate);
        Ok(site)
    }

    async fn latency(&mut self, site: Option<Site>) -> BenchResult<()> {
        let site = match site {
            Some(s) => s,
            None => setup::build(self.receiver, HOOKS)?,
        };
        // The parts before leave megabytes of written pages for the kernel to flush; measure the steady
        // state at this rate, not that write-back.
        measure::settle(&site.ctx)?;
        let rate = self.cfg.rate;
        let running = Running::start(site.ctx.clone(), true).await?;
        let ingest = self.ingest(&site, &running);
        let warmup = self.seqs(rate);
        let measured = self.seqs(rate * self.cfg.latency_secs);
        ingest.open_loop(warmup, rate).await?;
        let commits_before = hookdesk_core::store::commits();
        let started = Instant::now();
        let refused = ingest.open_loop(measured.clone(), rate).await?;
        let offered = measured.clone().count() as f64 / started.elapsed().as_secs_f64();
        let syncs = (hookdesk_core::store::commits() - commits_before) as f64;
        let synced_secs = started.elapsed().as_secs_f64();
        let measured_events = measured.clone().count() as f64;
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.tracker.latencies(measured.clone()).missing > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        running.stop().await?;
        let l = self.tracker.latencies(measured);
        let p = |v: &[u64], q: f64| ms(percentile(v, q));
        let p99 = p(&l.to_receipt, 99.0);
        self.report.info(
            "offered rate (open loop, HTTP ingest)",
            format!("{offered:.0} events/s"),
        );
        self.report.info(
            "  ingest -> receipt p50",
            format!("{:.2} ms", p(&l.to_receipt, 50.0)),
        );
        self.report.check(
            "  ingest -> receipt p99",
            format!("{p99:.2} ms"),
            "<= 10 ms",
            p99 <= 10.0 && l.missing == 0,
        );
        self.report.info(
            "  log syncs at this rate",
            format!(
                "{:.0}/s, {:.1} events per sync",
                syncs / synced_secs,
                measured_events / syncs.max(1.0)
            ),
        );
        self.report.info(
            "  ingest -> receipt max",
            format!("{:.2} ms", p(&l.to_receipt, 100.0)),
        );
        self.report.info(
            "  ingest -> 202 p50 / p99",
            format!("{:.2} / {:.2} ms", p(&l.to_ack, 50.0), p(&l.to_ack, 99.0)),
        );
        self.report.info(
            "  not received / refused",
            format!("{} / {refused}", l.missing),
        );
        Ok(())
    }

    async fn breakdown(&mut self) -> BenchResult<()> {
        let site = setup::build(self.receiver, HOOKS)?;
        let s = breakdown::run(
            &site.ctx,
            &site.stores,
            self.cfg.events as usize,
            self.cfg.payload,
        )
        .await?;
        let us = |d: Duration| format!("{:.0} us", s.per_event_us(d));
        self.report
            .info("per delivery, sequential: enqueue", us(s.enqueue));
        self.report.info("  claim (batches of 256)", us(s.claim));
        self.report.info(
            "  first claim over whole backlog",
            format!("{:.1} ms", s.first_claim.as_secs_f64() * 1e3),
        );
        self.report
            .info("  prepare (render, decrypt, sign)", us(s.prepare));
        self.report.info("  send (HTTP round trip)", us(s.send));
        self.report.info("  record (attempt + state)", us(s.record));
        Ok(())
    }

    /// Resident memory after 10k and after the full count of deliveries, pushed continuously.
    async fn memory(&mut self) -> BenchResult<()> {
        let total = self.cfg.memory_deliveries;
        let site = setup::build(self.receiver, HOOKS)?;
        let running = Running::start(site.ctx.clone(), true).await?;
        // Beyond the tracker's capacity: counted by the receiver, never timed, so its arrays stay fixed.
        let seqs = u64::MAX / 2..u64::MAX / 2 + total;
        let base = self.tracker.requests.load(Ordering::Relaxed);
        self.new_peak_window();
        let tracker = self.tracker.clone();
        let sampler = tokio::spawn(async move {
            let mut at_10k = None;
            let mut next_print = 100_000;
            loop {
                let done = tracker.requests.load(Ordering::Relaxed) - base;
                if at_10k.is_none() && done >= 10_000 {
                    at_10k = Some(memory_kib());
                }
                if done >= next_print {
                    let (hwm, rss) = memory_kib();
                    eprintln!(
                        "memory: {done} deliveries, peak {} rss {}",
                        mib(hwm),
                        mib(rss)
                    );
                    next_print += 100_000;
                }
                if done >= total {
                    return at_10k;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let started = Instant::now();
        self.ingest(&site, &running)
            .closed_loop(seqs, INGEST_CLIENTS, 5_000)
            .await?;
        let at_10k = sampler.await?.unwrap_or_default();
        let elapsed = started.elapsed();
        let end = memory_kib();
        running.stop().await?;
        let growth = end.0 as f64 / at_10k.0.max(1) as f64 - 1.0;
        self.report.info(
            "memory run deliveries/s",
            format!("{:.0}", total as f64 / elapsed.as_secs_f64()),
        );
        self.report
            .info("peak RSS after 10k deliveries", mib(at_10k.0));
        self.report
            .info(format!("peak RSS after {total} deliveries"), mib(end.0));
        self.report.check(
            "  growth",
            format!("{:+.1}%", growth * 100.0),
            "<= +10%",
            growth <= 0.10,
        );
        let bytes = measure::db_bytes(&site.ctx)?;
        self.report.info(
            "  database size per 1,000 deliveries",
            format!("{:.0} KiB", bytes as f64 / 1024.0 / (total as f64 / 1000.0)),
        );
        Ok(())
    }

    async fn logpage(&mut self) -> BenchResult<()> {
        if self.pushed.is_none() {
            let site = setup::build(self.receiver, HOOKS)?;
            let running = Running::start(site.ctx.clone(), true).await?;
            let seqs = self.seqs(1_000);
            self.ingest(&site, &running)
                .closed_loop(seqs, INGEST_CLIENTS, 0)
                .await?;
            Watcher::new(&site.ctx)?
                .until_succeeded(1_000, DRAIN_TIMEOUT)
                .await?;
            running.stop().await?;
            self.pushed = Some(site);
        }
        let Some(site) = &self.pushed else {
            return Ok(());
        };
        let page = logpage::run(&site.ctx, &site.session, self.cfg.log_rows)?;
        self.report.info(
            "delivery-log page (100 rows) with attempts",
            format!(
                "{} (grown in {:.0} s)",
                page.attempts,
                page.grow_time.as_secs_f64()
            ),
        );
        for t in &page.timings {
            let median = t.median.as_secs_f64() * 1e3;
            self.report.check(
                format!("  {} ({} rows)", t.name, t.rows),
                format!("{median:.2} ms (max {:.2})", t.worst.as_secs_f64() * 1e3),
                "<= 20 ms",
                median <= 20.0,
            );
        }
        Ok(())
    }
}

async fn bench(cfg: Config) -> BenchResult<()> {
    let capacity = (cfg.events * 2 + cfg.rate * (cfg.latency_secs + 1) + 1_000) as usize;
    let tracker = Arc::new(Tracker::new(capacity));
    let receiver = receiver::start(tracker.clone()).await?;
    println!(
        "hookdesk delivery benchmark: {} events/run, {HOOKS} hooks, {}-byte payloads, {} cores, load {}",
        cfg.events,
        cfg.payload,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        load_average()
    );
    let mut b = Bench {
        cfg,
        tracker,
        receiver,
        report: Report::default(),
        raw: None,
        pushed: None,
        next_seq: 0,
        peak_kib: 0,
    };
    if b.cfg.wants("raw") {
        b.raw().await?;
    }
    if b.cfg.wants("throughput") {
        b.throughput().await?;
        if std::env::var("HOOKDESK_BENCH_DATABASE").is_ok_and(|v| !v.is_empty()) {
            setup::ON_POSTGRES.store(true, Ordering::Relaxed);
            let on_postgres = b.throughput_postgres().await;
            setup::ON_POSTGRES.store(false, Ordering::Relaxed);
            on_postgres?;
        }
    }
    if b.cfg.wants("team") && std::env::var("HOOKDESK_BENCH_DATABASE").is_ok_and(|v| !v.is_empty())
    {
        setup::ON_POSTGRES.store(true, Ordering::Relaxed);
        let team = b.team().await;
        setup::ON_POSTGRES.store(false, Ordering::Relaxed);
        team?;
    }
    let drained = if b.cfg.wants("drain") {
        Some(b.drain().await?)
    } else {
        None
    };
    if b.cfg.wants("latency") {
        b.latency(drained).await?;
    }
    if b.cfg.wants("breakdown") {
        b.breakdown().await?;
    }
    if b.cfg.wants("memory") {
        b.memory().await?;
    }
    if b.cfg.wants("logpage") {
        b.logpage().await?;
    }
    let (hwm, _) = memory_kib();
    b.report
        .info("peak RSS (whole run, incl. benchmark)", mib(hwm));
    b.report.info(
        "duplicates seen by the receiver",
        b.tracker.duplicates.load(Ordering::Relaxed).to_string(),
    );
    b.report.info("load average at the end", load_average());
    b.report.print();
    Ok(())
}

#[global_allocator]
static ALLOCATOR: hookdesk_core::Allocator = hookdesk_core::Allocator;

fn main() {
    let cfg = Config::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(rt) => rt.block_on(bench(cfg)),
        Err(e) => Err(e.into()),
    };
    if let Err(e) = result {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}
