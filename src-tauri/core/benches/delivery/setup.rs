//! A fresh data directory configured like a small integrator: ten stores, one hook each (all pointing at
//! the benchmark receiver, with bearer auth and an X-Signature, as a real merchant hook has), and an
//! ingest token. Everything goes through the same configuration operations the app uses.

use std::net::SocketAddr;
use std::sync::Arc;

use hookdesk_core::auth::tokens;
use hookdesk_core::auth::{self, totp, Actor, Permission, Role};
use hookdesk_core::config::{self, FreshCode};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::delivery::{engine::run, ingest};
use hookdesk_core::domain::{AuthInput, HookInput, KeySource, Secret, SignatureInput, StoreInput};
use hookdesk_core::Ctx;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::receiver::SEQ_FIELD;
use crate::BenchResult;

pub const EVENT_TYPE: &str = "transaction.sale.success";

const PASSWORD: &str = "bench-password-canary";

/// The code an authenticator app would show for `step`.
fn code(secret: &[u8], step: i64) -> BenchResult<String> {
    Ok(totp::code_at(secret, totp::DIGITS, (step * 30) as u64)?)
}

fn this_step(ctx: &Ctx) -> i64 {
    ctx.clock.now_secs().div_euclid(30)
}

/// Signs `name` in and enrolls two-factor with a code computed from the key, as the person at the
/// keyboard would with an authenticator app. The enrollment spends the step before now, which leaves
/// this step and the next for two fresh codes. Returns the unlocked session's actor, its token and key.
fn enroll(ctx: &Ctx, name: &str) -> BenchResult<(Actor, String, Vec<u8>)> {
    let token = auth::sign_in(ctx, name, &Secret::new(PASSWORD))?
        .token
        .expose()
        .to_string();
    let key = auth::begin_enrollment(ctx, &token)?;
    let secret = totp_rs::Secret::try_from_base32(key.secret_base32.expose())
        .map_err(|e| format!("two-factor key: {e:?}"))?
        .as_bytes()
        .to_vec();
    auth::confirm_enrollment_for_token(ctx, &token, &code(&secret, this_step(ctx) - 1)?)?;
    let actor = auth::require(ctx, &token, Permission::OwnAccount)?;
    Ok((actor, token, secret))
}

pub struct Site {
    /// Deleted with the site.
    _dir: tempfile::TempDir,
    pub ctx: Arc<Ctx>,
    pub token: Secret,
    pub stores: Vec<String>,
    /// The admin's unlocked session, for reading the log.
    pub session: String,
}

/// Set while the PostgreSQL part runs: sites are then built on the server HOOKDESK_BENCH_DATABASE names.
pub static ON_POSTGRES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub fn build(receiver: SocketAddr, hooks: usize) -> BenchResult<Site> {
    let dir = tempfile::Builder::new()
        .prefix("hookdesk-bench-")
        .tempdir()?;
    // HOOKDESK_BENCH_DATABASE (a postgres:// URL to a server's maintenance database) runs the site on
    // a fresh PostgreSQL database of that server instead of the SQLite file (README, Performance).
    let database = match std::env::var("HOOKDESK_BENCH_DATABASE") {
        Ok(url) if !url.is_empty() && ON_POSTGRES.load(std::sync::atomic::Ordering::Relaxed) => {
            let server = hookdesk_core::store::DatabaseUrl::parse("HOOKDESK_BENCH_DATABASE", &url)?;
            static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "hookdesk_bench_{}_{}",
                std::process::id(),
                N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            Some(hookdesk_core::store::postgres::admin::create_database(
                &server, &name,
            )?)
        }
        _ => None,
    };
    let ctx = Arc::new(Ctx::open_at(
        dir.path(),
        database.as_ref(),
        Arc::new(hookdesk_core::clock::SystemClock),
        hookdesk_core::crypto::system_key_store().as_ref(),
    )?);
    auth::create_admin(&ctx, "bench", &Secret::new(PASSWORD))?;
    let (actor, session, _) = enroll(&ctx, "bench")?;
    // The log-page measurement reads through this session long after set-up.
    auth::set_idle_minutes(&ctx, &actor, auth::MAX_IDLE_MINUTES)?;
    // Every loopback hook needs a fresh code, and a code's step is accepted once: each helper admin
    // brings two.
    let mut helper: Option<(Actor, Vec<u8>, i64)> = None;
    let mut stores = Vec::with_capacity(hooks);
    for i in 0..hooks {
        let id = format!("bench-{i}");
        config::stores::add(
            &ctx,
            &actor,
            &StoreInput {
                id: id.clone(),
                name: format!("Bench store {i}"),
                merch_key: Some("7qwnw4j2kmqvrb3".into()),
                restaurant_id: Some("5f1b223c51e2d31e007b23d8".into()),
            },
        )?;
        let input = HookInput {
            label: format!("Bench receiver {i}"),
            url: format!("http://{receiver}/h{i}"),
            events: vec![EVENT_TYPE.into()],
            stores: vec![id.clone()],
            auth: AuthInput::Bearer {
                token: Secret::new(format!("bench-bearer-token-{i:04}")),
            },
            signature: SignatureInput::XSignature {
                key_source: KeySource::SignatureKey,
                key: Secret::new(format!("bench_signature_key_{i}")),
            },
            allow_private_network: true,
            ..HookInput::default()
        };
        if i % 2 == 0 {
            let name = format!("bench-{i}");
            auth::add_user(&ctx, &actor, &name, Role::Admin, &Secret::new(PASSWORD))?;
            let (a, _, secret) = enroll(&ctx, &name)?;
            helper = Some((a, secret, this_step(&ctx)));
        }
        let (creator, secret, step) = helper.as_ref().ok_or("no helper admin")?;
        let c = code(secret, step + (i % 2) as i64)?;
        config::hooks::create(&ctx, creator, &input, Some(FreshCode::totp(&c)))?;
        stores.push(id);
    }
    let (_, token) = tokens::create(&ctx, &actor, "benchmark")?;
    Ok(Site {
        _dir: dir,
        ctx,
        token,
        stores,
        session,
    })
}

/// The event's `data`: a sale of exactly `payload` bytes as compact JSON, tagged with its sequence number.
pub fn event_data(seq: u64, payload: usize) -> Value {
    let mut data = json!({
        SEQ_FIELD: seq,
        "transaction": {"amount": 1299, "currency": "USD", "card_last4": "1111", "auth_code": "A1B2C3"},
        "pad": "",
    });
    let len = data.to_string().len();
    if payload > len {
        data["pad"] = Value::String("x".repeat(payload - len));
    }
    data
}

/// The ingest request body for event `seq`, spread round-robin over the stores (one hook each).
pub fn ingest_body(seq: u64, stores: &[String], payload: usize) -> Vec<u8> {
    let store = stores
        .get(seq as usize % stores.len().max(1))
        .map(String::as_str)
        .unwrap_or("bench-0");
    json!({"type": EVENT_TYPE, "store": store, "data": event_data(seq, payload)})
        .to_string()
        .into_bytes()
}

/// The engine loop and the ingest API of one site, started and stopped together.
pub struct Running {
    pub engine: Engine,
    pub ingest: SocketAddr,
    stop: watch::Sender<bool>,
    engine_task: Option<JoinHandle<hookdesk_core::Result<()>>>,
    ingest_task: JoinHandle<hookdesk_core::Result<()>>,
}

impl Running {
    /// Starts the ingest API; the engine loop only with `engine_now` (the backlog run starts it later).
    pub async fn start(ctx: Arc<Ctx>, engine_now: bool) -> BenchResult<Running> {
        let engine = Engine::new(ctx.clone())?;
        let (stop, rx) = watch::channel(false);
        let (addr, listener) = ingest::bind("127.0.0.1:0").await?;
        let mut wait = rx.clone();
        let shutdown = async move {
            let _ = wait.wait_for(|v| *v).await;
        };
        let ingest_task =
            tokio::spawn(ingest::serve(listener, ctx, Some(engine.clone()), shutdown));
        let mut me = Running {
            engine,
            ingest: addr,
            stop,
            engine_task: None,
            ingest_task,
        };
        if engine_now {
            me.start_engine();
        }
        Ok(me)
    }

    pub fn start_engine(&mut self) {
        if self.engine_task.is_none() {
            self.engine_task = Some(tokio::spawn(run::run(
                self.engine.clone(),
                hookdesk_core::team::WorkerKind::Serve,
                self.stop.subscribe(),
            )));
        }
    }

    pub async fn stop(self) -> BenchResult<()> {
        let _ = self.stop.send(true);
        if let Some(t) = self.engine_task {
            t.await??;
        }
        self.ingest_task.await??;
        Ok(())
    }
}
