//! `emit`, `send-test`, `deliveries`, `resend`, `recover`, `serve` and `ingest-token`.

use std::path::Path;
use std::sync::Arc;

use clap::{Args, Subcommand};
use hookdesk_core::auth::{tokens, Permission};
use hookdesk_core::delivery::engine::outbox::{enqueue, NewEvent};
use hookdesk_core::delivery::engine::test_send::{send_test, TestSend};
use hookdesk_core::delivery::engine::Engine;
use hookdesk_core::delivery::ingest;
use hookdesk_core::delivery::log::Filter;
use hookdesk_core::{Ctx, Error, Result};
use serde_json::{json, Value};

use crate::auth::session_actor;
use crate::{print, to_json};

#[derive(Subcommand)]
pub enum DeliveryCmd {
    /// Queue a live event; prints {"event_id", "deliveries"}.
    Emit {
        /// The event type, e.g. order.open or transaction.sale.success.
        #[arg(long = "type")]
        event_type: String,
        /// The store the event belongs to.
        #[arg(long)]
        store: String,
        /// The event's data as JSON, or @FILE to read it from a file.
        #[arg(long)]
        data: String,
        /// Idempotency key: a repeated key queues nothing new.
        #[arg(long)]
        key: Option<String>,
        /// Ordering key (the order id) when the event's data does not carry one.
        #[arg(long)]
        order_key: Option<String>,
    },
    /// Send a test event to a hook now and print the attempt.
    SendTest {
        /// The hook to send to.
        hook_id: String,
        /// The event type to send.
        #[arg(long)]
        event: String,
        /// Data as JSON or @FILE; the event's sample payload when absent.
        #[arg(long)]
        data: Option<String>,
        /// The store the test event names; the hook's first store when absent.
        #[arg(long)]
        store: Option<String>,
    },
    /// List deliveries, newest first.
    Deliveries(DeliveriesArgs),
    /// Send a delivery again now.
    Resend {
        /// The delivery to send again.
        delivery_id: i64,
    },
    /// Queue again every failed or dead delivery of a hook since a time.
    Recover {
        /// The hook whose deliveries are queued again.
        #[arg(long)]
        hook: String,
        /// RFC 3339, e.g. 2026-01-31T00:00:00Z.
        #[arg(long)]
        since: String,
    },
    /// Run the delivery engine and the ingest API until SIGTERM or Ctrl-C.
    Serve {
        /// The address the ingest API listens on.
        #[arg(long, default_value = ingest::DEFAULT_LISTEN)]
        listen: String,
    },
    /// Ingest API tokens.
    #[command(subcommand)]
    IngestToken(TokenCmd),
}

#[derive(Subcommand)]
pub enum TokenCmd {
    /// Create a token; it is printed once.
    Create {
        /// What the token is for, shown in lists (e.g. "POS bridge, store 12").
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List tokens: id, label, last four characters, who made it and when. Never the token.
    List,
    /// Revoke a token at once; requests carrying it are refused from then on.
    Revoke {
        /// The token's id, from `ingest-token list`.
        id: i64,
    },
}

#[derive(Args)]
pub struct DeliveriesArgs {
    /// Only deliveries to this hook.
    #[arg(long)]
    hook: Option<String>,
    /// Only deliveries of this event id.
    #[arg(long)]
    event: Option<String>,
    /// Only deliveries in this state.
    #[arg(long, value_name = "pending|delivering|succeeded|failed|dead")]
    status: Option<String>,
    /// Only deliveries for this store.
    #[arg(long)]
    store: Option<String>,
    /// At most this many deliveries.
    #[arg(long)]
    limit: Option<usize>,
    /// Print every matching delivery as CSV (up to 100,000, newest first) instead of JSON.
    #[arg(long, conflicts_with = "limit")]
    csv: bool,
}

fn read_data(field: &str, arg: &str) -> Result<Value> {
    let text = match arg.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Error::invalid(field, format!("cannot read {path}: {e}")))?,
        None => arg.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| Error::invalid(field, format!("not valid JSON: {e}")))
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Runtime::new()?)
}

pub fn run(dir: &Path, json_out: bool, cmd: &DeliveryCmd) -> Result<()> {
    let ctx = Arc::new(Ctx::open(dir)?);
    match cmd {
        DeliveryCmd::Emit {
            event_type,
            store,
            data,
            key,
            order_key,
        } => {
            session_actor(&ctx, Permission::EmitEvents)?;
            let ev = NewEvent::parse(
                event_type,
                store,
                read_data("data", data)?,
                key.clone(),
                order_key.clone(),
            )?;
            let q = enqueue(&ctx, &ev, ctx.now_ms())?;
            print(
                json_out,
                &json!({"event_id": q.event_id, "deliveries": q.deliveries}),
            );
        }
        DeliveryCmd::SendTest {
            hook_id,
            event,
            data,
            store,
        } => {
            let actor = session_actor(&ctx, Permission::SendTest)?;
            let data = data.as_deref().map(|d| read_data("data", d)).transpose()?;
            let req = TestSend {
                hook_id: hook_id.clone(),
                event: event.clone(),
                data,
                store: store.clone(),
            };
            let rt = runtime()?;
            let attempt = rt.block_on(async {
                let engine = Engine::new(ctx.clone())?;
                send_test(&engine, &actor, req).await
            })?;
            print(json_out, &to_json(&attempt)?);
        }
        DeliveryCmd::Deliveries(a) => {
            let actor = session_actor(&ctx, Permission::ReadLogs)?;
            let f = Filter {
                hook: a.hook.clone(),
                store: a.store.clone(),
                event_id: a.event.clone(),
                status: a.status.clone(),
                limit: a.limit,
                ..Default::default()
            };
            if a.csv {
                let export =
                    hookdesk_core::delivery::log::export::deliveries_csv(&ctx, &actor, &f)?;
                if export.truncated {
                    eprintln!(
                        "hookdesk: only the newest {} deliveries are in the file",
                        export.rows
                    );
                }
                print!("{}", export.csv);
                return Ok(());
            }
            let rows = hookdesk_core::delivery::log::list(&ctx, &actor, &f)?;
            print(json_out, &to_json(&rows)?);
        }
        DeliveryCmd::Resend { delivery_id } => {
            let actor = session_actor(&ctx, Permission::Resend)?;
            hookdesk_core::delivery::log::resend(&ctx, &actor, *delivery_id)?;
            print(
                json_out,
                &json!({"delivery_id": delivery_id, "status": "pending"}),
            );
        }
        DeliveryCmd::Recover { hook, since } => {
            let actor = session_actor(&ctx, Permission::Resend)?;
            let since = hookdesk_core::clock::parse_rfc3339("since", since)?;
            let n = hookdesk_core::delivery::log::recover(&ctx, &actor, hook, since)?;
            print(json_out, &json!({"hook": hook, "queued": n}));
        }
        DeliveryCmd::IngestToken(TokenCmd::Create { label }) => {
            let actor = session_actor(&ctx, Permission::ManageSettings)?;
            let (view, token) = tokens::create(&ctx, &actor, label)?;
            print(
                json_out,
                &json!({"token": token.expose(), "ingest_token": view}),
            );
        }
        DeliveryCmd::IngestToken(TokenCmd::List) => {
            let actor = session_actor(&ctx, Permission::ManageSettings)?;
            print(
                json_out,
                &json!({"ingest_tokens": tokens::list(&ctx, &actor)?}),
            );
        }
        DeliveryCmd::IngestToken(TokenCmd::Revoke { id }) => {
            let actor = session_actor(&ctx, Permission::ManageSettings)?;
            print(
                json_out,
                &json!({"revoked": tokens::revoke(&ctx, &actor, *id)?}),
            );
        }
        DeliveryCmd::Serve { listen } => serve(ctx, listen)?,
    }
    Ok(())
}

fn serve(ctx: Arc<Ctx>, listen: &str) -> Result<()> {
    let rt = runtime()?;
    rt.block_on(async move {
        let (addr, listener) = ingest::bind(listen).await?;
        let engine = Engine::new(ctx.clone())?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let engine_task = tokio::spawn(hookdesk_core::delivery::engine::run::run(
            engine.clone(),
            hookdesk_core::team::WorkerKind::Serve,
            stop_rx,
        ));
        let shutdown = shutdown_signal();
        // Scripts wait for this first line before they send anything (or signal).
        println!("{}", json!({"listening": addr.to_string()}));
        let server = ingest::serve(listener, ctx, Some(engine), async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        server.await?;
        engine_task
            .await
            .map_err(|e| Error::Delivery(e.to_string()))?
    })
}

/// Registers for SIGTERM now, so a signal that comes right after the "listening" line is not lost to
/// the default action (which would end the process without draining), and resolves when it, or Ctrl-C,
/// arrives.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = term.recv() => {},
                _ = tokio::signal::ctrl_c() => {},
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
