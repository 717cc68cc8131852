//! Things a person should hear about without watching the delivery log: a hook the engine turned off, a
//! delivery that went dead, and storage trouble. The desktop shell polls a [`Watcher`] and shows what it
//! returns as notifications; a failing receiver raises at most one alert per hook per
//! [`GROUP_WINDOW_MS`], so it cannot cause a storm.

use std::collections::HashMap;

use serde::Serialize;

use crate::store::alerts as q;
use crate::Ctx;

/// At most one alert per hook (or per storage problem) in this long.
pub const GROUP_WINDOW_MS: i64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    HookDisabled,
    DeliveriesDead,
    DiskFull,
    DatabaseUnreachable,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    pub kind: AlertKind,
    /// The hook the alert is about; clicking it opens the delivery log filtered to this hook.
    pub hook_id: Option<String>,
    pub title: String,
    pub body: String,
}

impl Alert {
    /// Storage trouble found outside the watcher's own queries (a full disk refusing a write, say):
    /// whoever sees it builds the alert here and hands it to the same grouping and notification path.
    pub fn storage(kind: AlertKind, detail: &str) -> Alert {
        let title = match kind {
            AlertKind::DiskFull => "Hookdesk: the disk is full",
            _ => "Hookdesk: the database cannot be reached",
        };
        Alert {
            kind,
            hook_id: None,
            title: title.into(),
            body: format!("{detail} Deliveries wait until this is fixed."),
        }
    }

    fn group_key(&self) -> String {
        match &self.hook_id {
            Some(h) => format!("hook:{h}"),
            None => format!("{:?}", self.kind),
        }
    }
}

/// Remembers what was already seen and what was recently raised.
#[derive(Debug)]
pub struct Watcher {
    audit_cursor: i64,
    dead_cursor: i64,
    raised: HashMap<String, i64>,
    db_down: bool,
}

impl Watcher {
    /// Starts at the present: what happened before the app started was not missed by anyone watching.
    pub fn start(ctx: &Ctx) -> Watcher {
        let audit_cursor = q::last_audit_id(&ctx.db.conn()).unwrap_or(0);
        Watcher {
            audit_cursor,
            dead_cursor: ctx.now_ms(),
            raised: HashMap::new(),
            db_down: false,
        }
    }

    /// New alerts since the last poll, already grouped.
    pub fn poll(&mut self, ctx: &Ctx) -> Vec<Alert> {
        let now = ctx.now_ms();
        let found = match self.read(ctx) {
            Ok(found) => {
                self.db_down = false;
                found
            }
            Err(e) if !self.db_down => {
                self.db_down = true;
                vec![Alert::storage(
                    AlertKind::DatabaseUnreachable,
                    &format!("Reading the database failed: {e}."),
                )]
            }
            Err(_) => Vec::new(),
        };
        found.into_iter().filter(|a| self.admit(a, now)).collect()
    }

    /// Whether an alert may be shown now: the first of its group in [`GROUP_WINDOW_MS`].
    pub fn admit(&mut self, alert: &Alert, now_ms: i64) -> bool {
        let key = alert.group_key();
        match self.raised.get(&key) {
            Some(&at) if now_ms - at < GROUP_WINDOW_MS => false,
            _ => {
                self.raised.insert(key, now_ms);
                true
            }
        }
    }

    fn read(&mut self, ctx: &Ctx) -> crate::Result<Vec<Alert>> {
        let conn = ctx.db.conn();
        let mut out = Vec::new();
        for d in q::auto_disabled_after(&conn, self.audit_cursor)? {
            self.audit_cursor = self.audit_cursor.max(d.audit_id);
            let name = d.label.unwrap_or_else(|| d.hook_id.clone());
            out.push(Alert {
                kind: AlertKind::HookDisabled,
                title: format!("Webhook “{name}” was turned off"),
                body: format!(
                    "{}. Deliveries to it stop until it is turned on again.",
                    d.reason
                        .unwrap_or_else(|| "The receiver kept failing".into())
                ),
                hook_id: Some(d.hook_id),
            });
        }
        for g in q::dead_after(&conn, self.dead_cursor)? {
            self.dead_cursor = self.dead_cursor.max(g.last_updated_at);
            let name = g
                .label
                .or_else(|| g.hook_id.clone())
                .unwrap_or_else(|| "an order webhook".into());
            let status = g
                .last_status_code
                .map(|c| format!(" (last answer: {c})"))
                .unwrap_or_default();
            out.push(Alert {
                kind: AlertKind::DeliveriesDead,
                title: format!("Deliveries to “{name}” failed for good"),
                body: format!(
                    "{} delivery(ies) will not be retried{status}. Resend them from the delivery log.",
                    g.count
                ),
                hook_id: g.hook_id,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook_alert(id: &str) -> Alert {
        Alert {
            kind: AlertKind::DeliveriesDead,
            hook_id: Some(id.into()),
            title: "t".into(),
            body: "b".into(),
        }
    }

    #[test]
    fn one_alert_per_hook_per_window() {
        let mut w = Watcher {
            audit_cursor: 0,
            dead_cursor: 0,
            raised: HashMap::new(),
            db_down: false,
        };
        assert!(w.admit(&hook_alert("a"), 1_000));
        assert!(!w.admit(&hook_alert("a"), 1_000 + GROUP_WINDOW_MS - 1));
        assert!(
            w.admit(&hook_alert("b"), 2_000),
            "another hook is its own group"
        );
        assert!(w.admit(&hook_alert("a"), 1_000 + GROUP_WINDOW_MS));
        let disk = Alert::storage(AlertKind::DiskFull, "No space left.");
        assert!(w.admit(&disk, 5_000));
        assert!(!w.admit(&disk, 6_000));
        assert!(w.admit(&Alert::storage(AlertKind::DatabaseUnreachable, "x"), 6_000));
    }
}
