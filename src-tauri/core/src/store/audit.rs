//! The audit log: who did what, when. Callers mask secrets in `detail` before recording.

use crate::args;
use crate::store::Conn;
use serde::Serialize;
use serde_json::Value;

use crate::Result;

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

/// Newest first, at most `limit` entries; `before_id` pages back from an entry already shown. Who may
/// read the log, and how much at once, is decided by the caller (`auth::audit::list`).
pub fn list(conn: &Conn, limit: u32, before_id: Option<i64>) -> Result<Vec<AuditEntry>> {
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
    use super::{list, record, summarize};
    use crate::store::Db;
    use serde_json::json;

    /// Reading the log asks for no actor: who may read it is decided before the store is called.
    #[test]
    fn entries_read_back_newest_first_without_an_actor() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_at(dir.path(), None).unwrap();
        let conn = db.conn();
        record(&conn, 1, None, "user.add", "ann", &json!({"role": "admin"})).unwrap();
        record(&conn, 2, Some("ann"), "user.lock", "ann", &json!({})).unwrap();
        let all = list(&conn, 10, None).unwrap();
        let actions: Vec<_> = all.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["user.lock", "user.add"]);
        assert_eq!(all[1].summary, "role: admin");
        let older = list(&conn, 10, Some(all[0].id)).unwrap();
        assert_eq!(older.len(), 1);
        assert_eq!(older[0].actor, None);
    }

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
