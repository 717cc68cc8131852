//! A delivery's attempts as the log shows them, each with the request body it sent: rendered again
//! from the event, since attempts keep only its hash (see [`super::sent_body`]).

use serde::Serialize;
use serde_json::Value;

use super::sent_body;
use crate::auth::{Actor, Permission};
use crate::domain::Trigger;
use crate::store::attempts::{self, StoredAttempt};
use crate::store::delivery_log;
use crate::{Ctx, Result};

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    pub id: i64,
    pub delivery_id: i64,
    pub trigger: Trigger,
    pub number: i64,
    #[serde(rename = "startedAtMs")]
    pub started_at: i64,
    pub latency_ms: i64,
    pub status_code: Option<i64>,
    pub error: Option<AttemptErrorView>,
    pub request_url: String,
    pub request_headers: Vec<(String, String)>,
    pub request_body: String,
    /// Set when `request_body` is not exactly what was sent (see `sent_body`).
    pub request_body_note: Option<String>,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
    /// The parsed answer of an `is_online` or `validate_order` call (docs/wire-formats.md, order
    /// injection).
    #[ts(type = "{ online?: boolean; valid_order?: boolean } | null")]
    pub result: Option<Value>,
    #[serde(rename = "nextAttemptAtMs")]
    pub next_attempt_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct AttemptErrorView {
    pub kind: String,
    pub message: String,
}

pub fn attempts(ctx: &Ctx, actor: &Actor, delivery_id: i64) -> Result<Vec<AttemptView>> {
    actor.require(Permission::ReadLogs)?;
    attempts_of(ctx, delivery_id)
}

pub(crate) fn attempts_of(ctx: &Ctx, delivery_id: i64) -> Result<Vec<AttemptView>> {
    let (rows, event) = {
        let conn = ctx.db.conn();
        (
            attempts::of_delivery(&conn, delivery_id)?,
            delivery_log::event_of(&conn, delivery_id)?,
        )
    };
    // Every attempt of a delivery sent the same event: render it once.
    let needs_render = rows
        .iter()
        .any(|a| a.request_body.is_none() && a.request_body_sha256.is_some());
    let rendered = match (&event, needs_render) {
        (Some(ev), true) => Some(sent_body::render_now(ctx, ev)),
        _ => None,
    };
    Ok(rows
        .into_iter()
        .map(|mut a| {
            let (body, note) = sent_body::shown(
                a.request_body.take(),
                a.request_body_sha256.as_deref(),
                rendered.as_ref(),
            );
            view(a, body, note)
        })
        .collect())
}

fn view(a: StoredAttempt, request_body: String, request_body_note: Option<String>) -> AttemptView {
    AttemptView {
        id: a.id,
        delivery_id: a.delivery_id,
        trigger: a.trigger,
        number: a.number,
        started_at: a.started_at,
        latency_ms: a.latency_ms,
        status_code: a.status_code,
        error: a.error_kind.map(|kind| AttemptErrorView {
            kind,
            message: a.error_message.unwrap_or_default(),
        }),
        request_url: a.request_url,
        request_headers: a.request_headers,
        request_body,
        request_body_note,
        response_headers: a.response_headers,
        response_body: a.response_body,
        result: a.result,
        next_attempt_at: a.next_attempt_at,
    }
}
