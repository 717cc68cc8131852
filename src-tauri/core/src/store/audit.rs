//! The audit log: who did what, when. Callers mask secrets in `detail` before recording.

use crate::args;
use crate::store::Conn;
use serde::Serialize;
use serde_json::Value;

use crate::auth::{Actor, Permission};
use crate::{Ctx, Error, Result};

/// The most entries one page of the log returns.
pub const MAX_PAGE: u32 = 500;

/// One entry as the Users screen and the CLI show it. `summary` is `detail` in one readable line,
/// decided here so no front end has to guess how to print an object.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    #[ts(type = "unknown")]
    pub detail: Value,
    pub summary: String,
}

/// `{"role": "support", "since": "…"}` reads `role: support, since: …`; a plain string stays as it is.
pub fn summarize(detail: &Value) -> String {
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_string(),
        other => other.to_string(),
    };
    match detail {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{k}: {}", scalar(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Null => String::new(),
        other => scalar(other),
    }
}

/// Appends one entry. Takes a connection rather than a `Ctx` so it can join the caller's transaction.
pub fn record(
    conn: &Conn,
    at_ms: i64,
    actor: Option<&str>,
    action: &str,
    target: &str,
    detail: &Value,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![at_ms, actor, action, target, detail.to_string()],
    )?;
    Ok(())
}

/// Newest first; `before_id` pages back from an entry already shown.
pub fn list(
    ctx: &Ctx,
    actor: &Actor,
    limit: u32,
    before_id: Option<i64>,
) -> Result<Vec<AuditEntry>> {
    actor.require(Permission::ReadAudit)?;
    if limit == 0 || limit > MAX_PAGE {
        return Err(Error::invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE}"),
        ));
    }
    let conn = ctx.db.conn();
    let mut stmt = conn.prepare(
        "SELECT id, at, actor, action, target, detail FROM audit_log
         WHERE CAST(?1 AS BIGINT) IS NULL OR id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(args![before_id, limit], |r| {
        let detail: String = r.get(5)?;
        Ok(AuditEntry {
            id: r.get(0)?,
            at_ms: r.get(1)?,
            actor: r.get(2)?,
            action: r.get(3)?,
            target: r.get(4)?,
            // A row written by hand with bad JSON still shows, as a string.
            detail: serde_json::from_str(&detail).unwrap_or(Value::String(detail)),
            summary: String::new(),
        })
    })?;
    let mut entries = rows.collect::<Result<Vec<_>>>()?;
    for e in &mut entries {
        e.summary = summarize(&e.detail);
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::summarize;
    use serde_json::json;

    #[test]
    fn details_read_as_one_line() {
        assert_eq!(
            summarize(&json!({"role": "support", "first_run": true, "n": 3, "by": null})),
            "role: support, first_run: true, n: 3, by: none"
        );
        assert_eq!(
            summarize(&json!({"hooks": ["a", "b"]})),
            r#"hooks: ["a","b"]"#
        );
        assert_eq!(summarize(&json!("written by hand")), "written by hand");
        assert_eq!(summarize(&json!({})), "");
        assert_eq!(summarize(&serde_json::Value::Null), "");
    }
}
