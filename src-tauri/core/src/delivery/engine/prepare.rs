//! Turns a claimed delivery into the exact request to send: URL, headers (sent and masked) and body.

use super::claim::Claimed;
use crate::catalog::EventType;
use crate::config::snapshot::Snapshot;
use crate::delivery::wire::headers::{request_headers, RequestHeaders};
use crate::delivery::wire::render::{render_body, RenderInput};
use crate::domain::{HookAuth, HookSignature, Trigger};
use crate::{Ctx, Error, Result};

#[derive(Debug, Clone)]
pub struct Prepared {
    pub url: String,
    pub masked_url: String,
    pub headers: RequestHeaders,
    pub body: Vec<u8>,
    pub timeout_ms: u64,
    pub allow_private: bool,
    pub event_type: EventType,
}

/// `snap` is the configuration of the batch `c` was claimed in (see [`Snapshot`]).
pub fn prepare(ctx: &Ctx, snap: &Snapshot, c: &Claimed, now_secs: i64) -> Result<Prepared> {
    let event_type = EventType::parse("type", &c.event_type)?;
    let data: serde_json::Value = serde_json::from_str(&c.data)
        .map_err(|e| Error::Delivery(format!("stored event data: {e}")))?;
    let store = snap.require_store(ctx, &c.store)?;
    let body = render_body(
        event_type,
        &RenderInput {
            event_id: &c.event_id,
            store_id: &c.store,
            merch_key: store.merch_key.as_deref(),
            restaurant_id: store.restaurant_id.as_deref(),
            occurred_at_ms: c.occurred_at,
            data: &data,
        },
    )?;
    match c.hook_id() {
        Some(hook_id) => {
            let h = snap.hook(ctx, hook_id)?;
            // A hook turned off (by a user, a 410 or five days of failure) takes nothing more, not even
            // the retries queued before; recover queues them again once it is back on.
            if !h.enabled && c.trigger != Trigger::Test {
                return Err(Error::Delivery("the hook is disabled".into()));
            }
            let previous = h
                .previous_secret
                .as_ref()
                .filter(|p| p.active_at(now_secs.saturating_mul(1000)))
                .map(|p| &p.secret);
            let headers = request_headers(
                &h.auth,
                &h.signature,
                previous,
                &c.event_id,
                now_secs,
                &body,
            )?;
            Ok(Prepared {
                url: h.url.expose().to_string(),
                masked_url: h.masked_url.clone(),
                headers,
                body,
                timeout_ms: h.timeout_ms,
                allow_private: h.allow_private_network,
                event_type,
            })
        }
        None => {
            let d =
                crate::config::order_webhooks::destination_for(ctx, &c.store, event_type, &data)?
                    .ok_or_else(|| {
                    Error::Delivery(
                        "the store's order-webhook page no longer sends this event".into(),
                    )
                })?;
            let auth = match d.header {
                Some((name, value)) => HookAuth::Header { name, value },
                None => HookAuth::None,
            };
            let headers = request_headers(
                &auth,
                &HookSignature::None,
                None,
                &c.event_id,
                now_secs,
                &body,
            )?;
            Ok(Prepared {
                url: d.url.expose().to_string(),
                masked_url: d.masked_url,
                headers,
                body,
                timeout_ms: 15_000,
                allow_private: d.allow_private_network,
                event_type,
            })
        }
    }
}
