//! The delivery log's list: a filtered page of deliveries, newest first, as the window and the CLI show
//! it. The query is `store/delivery_log.rs`.

use serde::Serialize;

use crate::auth::{Actor, Permission};
use crate::domain::{DeliveryStatus, Destination};
use crate::store::delivery_log::{self, LoggedDelivery, PageFilter};
use crate::{Ctx, Error, Result};

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// A hook id, or `hub:<store>` for that store's order-webhook page.
    pub hook: Option<String>,
    pub store: Option<String>,
    pub event: Option<String>,
    pub event_id: Option<String>,
    pub status: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub before_id: Option<i64>,
    pub limit: Option<usize>,
}

pub const MAX_PAGE: usize = 500;

/// A delivery as the log lists it; times in milliseconds since the epoch (`…Ms`).
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub id: i64,
    pub event_id: String,
    pub event_type: String,
    pub store: String,
    pub hook_id: Option<String>,
    pub hook_label: Option<String>,
    pub destination: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    #[serde(rename = "nextAttemptAtMs")]
    pub next_attempt_at: Option<i64>,
    #[serde(rename = "createdAtMs")]
    pub created_at: i64,
    #[serde(rename = "updatedAtMs")]
    pub updated_at: i64,
}

pub fn list(ctx: &Ctx, actor: &Actor, f: &Filter) -> Result<Vec<DeliveryView>> {
    actor.require(Permission::ReadLogs)?;
    let status = match f.status.as_deref() {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            Error::invalid(
                "status",
                "must be pending, delivering, succeeded, failed or dead",
            )
        })?),
    };
    // The hook filter also takes a store's order-webhook page, as its destination `hub:<store>`.
    let (hook_id, page) = match f.hook.as_deref() {
        Some(h) if h.starts_with("hub:") => (None, Some(h)),
        h => (h, None),
    };
    let rows = delivery_log::page(
        &ctx.db.conn(),
        &PageFilter {
            hook_id,
            page,
            store: f.store.as_deref(),
            event_type: f.event.as_deref(),
            event_id: f.event_id.as_deref(),
            status,
            since: f.since,
            until: f.until,
            before_id: f.before_id,
            limit: f.limit.unwrap_or(100).clamp(1, MAX_PAGE) as i64,
        },
    )?;
    Ok(rows.into_iter().map(view).collect())
}

fn view(d: LoggedDelivery) -> DeliveryView {
    DeliveryView {
        id: d.id,
        event_id: d.event_id,
        event_type: d.event_type,
        store: d.store,
        hook_id: d.hook_id,
        hook_label: d.hook_label,
        destination: describe(&d.dest),
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.last_status_code,
        last_error: d.last_error,
        next_attempt_at: d.next_attempt_at,
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

/// A destination in words: the hook's id, the store's order-webhook page, or a test send.
fn describe(dest: &Destination) -> String {
    match dest {
        Destination::Hook(hook) => hook.clone(),
        Destination::Hub(store) => format!("Order webhook page ({store})"),
        Destination::Test(hook) => format!("{hook} (test send)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_read_as_words() {
        assert_eq!(describe(&Destination::Hook("h1".into())), "h1");
        assert_eq!(
            describe(&Destination::Hub("store-1".into())),
            "Order webhook page (store-1)"
        );
        assert_eq!(describe(&Destination::Test("h1".into())), "h1 (test send)");
    }
}
