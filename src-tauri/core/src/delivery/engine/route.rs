//! Which destinations an event goes to: subscribed hooks, and the store's Integration Hub order-webhook page.

use serde_json::Value;

use crate::catalog::{EventType, Family};
use crate::config::snapshot::Snapshot;
use crate::domain::{Destination, RetryPreset};
use crate::{Ctx, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// A hook or the store's page: what ordering and concurrency are keyed on.
    pub dest: Destination,
    pub ordered: bool,
    pub retry: RetryPreset,
}

pub fn routes_for(
    ctx: &Ctx,
    snap: &Snapshot,
    event: EventType,
    store: &str,
    data: &Value,
) -> Result<Vec<Route>> {
    let mut routes: Vec<Route> = snap
        .matching_hooks(ctx, event, store)?
        .into_iter()
        .map(|h| Route {
            dest: Destination::Hook(h.id.clone()),
            ordered: h.ordered,
            retry: h.retry_preset,
        })
        .collect();
    if event.family() == Family::Hub
        && crate::config::order_webhooks::destination_for(ctx, store, event, data)?.is_some()
    {
        // One destination per page, so a check's update never overtakes its open.
        routes.push(Route {
            dest: Destination::Hub(store.to_string()),
            ordered: true,
            retry: RetryPreset::Standard,
        });
    }
    Ok(routes)
}
