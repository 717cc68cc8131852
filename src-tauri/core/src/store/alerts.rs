//! What the desktop's notifications read: hooks the engine turned off and deliveries that went dead,
//! each after a cursor so a poll only sees what is new.

use crate::args;
use crate::store::Conn;

use crate::Result;

/// A hook the engine disabled (410 Gone, or failing for days): the audit entry it wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct AutoDisabled {
    pub audit_id: i64,
    pub hook_id: String,
    pub label: Option<String>,
    pub reason: Option<String>,
}

/// Deliveries of one hook that went dead since the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadGroup {
    pub hook_id: Option<String>,
    pub label: Option<String>,
    pub count: i64,
    pub last_updated_at: i64,
    pub last_status_code: Option<i64>,
}

pub fn last_audit_id(conn: &Conn) -> Result<i64> {
    conn.query_row("SELECT COALESCE(MAX(id), 0) FROM audit_log", args![], |r| {
        r.get(0)
    })
}

pub fn auto_disabled_after(conn: &Conn, after_id: i64) -> Result<Vec<AutoDisabled>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.target, h.label, json_extract(a.detail, '$.reason')
         FROM audit_log a LEFT JOIN hooks h ON h.id = a.target
         WHERE a.id > ?1 AND a.action = 'hook.auto_disable' ORDER BY a.id",
    )?;
    let rows = stmt.query_map(args![after_id], |r| {
        Ok(AutoDisabled {
            audit_id: r.get(0)?,
            hook_id: r.get(1)?,
            label: r.get(2)?,
            reason: r.get(3)?,
        })
    })?;
    let out = rows.collect::<Result<Vec<_>>>()?;
    Ok(out)
}

pub fn dead_after(conn: &Conn, after_ms: i64) -> Result<Vec<DeadGroup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.hook_id, h.label, COUNT(*), MAX(d.updated_at), MAX(d.last_status_code)
         FROM deliveries d LEFT JOIN hooks h ON h.id = d.hook_id
         WHERE d.status = 'dead' AND d.updated_at > ?1 GROUP BY d.hook_id, h.label",
    )?;
    let rows = stmt.query_map(args![after_ms], |r| {
        Ok(DeadGroup {
            hook_id: r.get(0)?,
            label: r.get(1)?,
            count: r.get(2)?,
            last_updated_at: r.get(3)?,
            last_status_code: r.get(4)?,
        })
    })?;
    let out = rows.collect::<Result<Vec<_>>>()?;
    Ok(out)
}

/// Enabled hooks that are failing right now (for the tray's "N failing").
pub fn failing_hooks(conn: &Conn) -> Result<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM hooks WHERE enabled = 1 AND failing_since_ms IS NOT NULL",
        args![],
        |r| r.get(0),
    )
}
