//! The `hooks` table and its `hook_events` / `hook_stores` join tables. The secret columns hold sealed
//! bytes: `config/hooks.rs` seals a hook's secrets, bound to (hooks, column, hook id), before it comes
//! here and opens them after it is read, so this module never sees a plaintext secret.

use crate::args;
use crate::store::{Conn, OptionalExt, Row};

use crate::catalog::EventType;
use crate::{Error, Result};

/// A hook as its row holds it. The plain columns are as stored (`config/hooks.rs` validates them again
/// when it reads a hook); `url_query`, `auth_secret`, `signature_secret` and `signature_previous` are
/// sealed bytes, written and returned unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRow {
    pub id: String,
    pub label: String,
    pub url_base: String,
    pub url_query: Option<Vec<u8>>,
    /// Event names, in the order they were saved.
    pub events: Vec<String>,
    pub all_stores: bool,
    /// Store ids, in the order they were saved; empty when `all_stores`.
    pub stores: Vec<String>,
    pub app_type: Option<String>,
    pub auth_kind: String,
    pub auth_name: Option<String>,
    pub auth_secret: Option<Vec<u8>>,
    pub signature_kind: String,
    pub signature_key_source: Option<String>,
    pub signature_secret: Option<Vec<u8>>,
    pub signature_previous: Option<Vec<u8>>,
    pub signature_previous_until: Option<i64>,
    pub retry_preset: String,
    pub ordered: bool,
    pub allow_private_network: bool,
    pub timeout_ms: i64,
    pub enabled: bool,
    pub failing_since_ms: Option<i64>,
    pub disabled_reason: Option<String>,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

pub fn insert(conn: &Conn, row: &HookRow) -> Result<()> {
    conn.execute(
        "INSERT INTO hooks (id, label, url_base, all_stores, auth_kind, signature_kind, retry_preset, ordered,
             allow_private_network, timeout_ms, enabled, created_at, updated_at)
         VALUES (?1, '', '', 0, 'none', 'none', 'standard', 0, 0, 15000, ?2, ?3, ?3)",
        args![row.id, row.enabled, row.created_at_ms],
    )?;
    update(conn, row)
}

/// Rewrites every column of an existing hook but its creation time, including its events and stores.
pub fn update(conn: &Conn, row: &HookRow) -> Result<()> {
    let id = row.id.as_str();
    let changed = conn.execute(
        "UPDATE hooks SET label = ?2, url_base = ?3, url_query = ?4, all_stores = ?5, app_type = ?6,
             auth_kind = ?7, auth_name = ?8, auth_secret = ?9, signature_kind = ?10, signature_key_source = ?11,
             signature_secret = ?12, retry_preset = ?13, ordered = ?14, allow_private_network = ?15,
             timeout_ms = ?16, enabled = ?17, failing_since_ms = ?18, disabled_reason = ?19, updated_at = ?20,
             signature_previous = ?21, signature_previous_until = ?22
         WHERE id = ?1",
        args![
            id,
            row.label,
            row.url_base,
            row.url_query,
            row.all_stores,
            row.app_type,
            row.auth_kind,
            row.auth_name,
            row.auth_secret,
            row.signature_kind,
            row.signature_key_source,
            row.signature_secret,
            row.retry_preset,
            row.ordered,
            row.allow_private_network,
            row.timeout_ms,
            row.enabled,
            row.failing_since_ms,
            row.disabled_reason,
            row.updated_at_ms,
            row.signature_previous,
            row.signature_previous_until,
        ],
    )?;
    if changed == 0 {
        return Err(Error::NotFound(format!("hook {id}")));
    }
    conn.execute("DELETE FROM hook_events WHERE hook_id = ?1", args![id])?;
    for e in &row.events {
        conn.execute(
            "INSERT INTO hook_events (hook_id, event) VALUES (?1, ?2)",
            args![id, e],
        )?;
    }
    conn.execute("DELETE FROM hook_stores WHERE hook_id = ?1", args![id])?;
    if !row.all_stores {
        for st in &row.stores {
            conn.execute(
                "INSERT INTO hook_stores (hook_id, store_id) VALUES (?1, ?2)",
                args![id, st],
            )?;
        }
    }
    Ok(())
}

pub fn delete(conn: &Conn, id: &str) -> Result<bool> {
    Ok(conn.execute("DELETE FROM hooks WHERE id = ?1", args![id])? > 0)
}

/// Turning a hook on clears its failure state: the user has looked at it.
pub fn set_enabled(conn: &Conn, id: &str, enabled: bool, now_ms: i64) -> Result<bool> {
    let n = if enabled {
        conn.execute(
            "UPDATE hooks SET enabled = 1, failing_since_ms = NULL, disabled_reason = NULL, updated_at = ?2
             WHERE id = ?1",
            args![id, now_ms],
        )?
    } else {
        conn.execute(
            "UPDATE hooks SET enabled = 0, updated_at = ?2 WHERE id = ?1",
            args![id, now_ms],
        )?
    };
    Ok(n > 0)
}

const COLUMNS: &str = "id, label, url_base, url_query, all_stores, app_type, auth_kind, auth_name, auth_secret,
    signature_kind, signature_key_source, signature_secret, retry_preset, ordered, allow_private_network,
    timeout_ms, enabled, failing_since_ms, disabled_reason, created_at, updated_at, signature_previous,
    signature_previous_until";

pub fn get(conn: &Conn, id: &str) -> Result<Option<HookRow>> {
    let row = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM hooks WHERE id = ?1"))?
        .query_row(args![id], read)
        .optional()?;
    row.map(|r| with_events_and_stores(conn, r)).transpose()
}

/// Every hook, oldest first.
pub fn list(conn: &Conn) -> Result<Vec<HookRow>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM hooks ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map(args![], read)?.collect::<Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|r| with_events_and_stores(conn, r))
        .collect()
}

/// Ids of enabled hooks subscribed to `event` whose store scope covers `store`.
pub fn matching_ids(conn: &Conn, event: EventType, store: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT h.id FROM hooks h JOIN hook_events e ON e.hook_id = h.id AND e.event = ?1
         WHERE h.enabled = 1
           AND (h.all_stores = 1 OR EXISTS (SELECT 1 FROM hook_stores s WHERE s.hook_id = h.id AND s.store_id = ?2))
         ORDER BY h.created_at, h.id",
    )?;
    let ids = stmt
        .query_map(args![event.name(), store], |r| r.get(0))?
        .collect::<Result<_>>()?;
    Ok(ids)
}

/// The counter triggers bump on every change to what a delivery uses (migration 0004), whichever process
/// or code path made it: one indexed read tells a cached copy of the hooks is stale.
pub fn generation(conn: &Conn) -> Result<i64> {
    conn.prepare_cached("SELECT n FROM hooks_generation WHERE id = 1")?
        .query_row(args![], |r| r.get(0))
}

fn read(r: &Row) -> Result<HookRow> {
    Ok(HookRow {
        id: r.get(0)?,
        label: r.get(1)?,
        url_base: r.get(2)?,
        url_query: r.get(3)?,
        all_stores: r.get(4)?,
        app_type: r.get(5)?,
        auth_kind: r.get(6)?,
        auth_name: r.get(7)?,
        auth_secret: r.get(8)?,
        signature_kind: r.get(9)?,
        signature_key_source: r.get(10)?,
        signature_secret: r.get(11)?,
        retry_preset: r.get(12)?,
        ordered: r.get(13)?,
        allow_private_network: r.get(14)?,
        timeout_ms: r.get(15)?,
        enabled: r.get(16)?,
        failing_since_ms: r.get(17)?,
        disabled_reason: r.get(18)?,
        created_at_ms: r.get(19)?,
        updated_at_ms: r.get(20)?,
        signature_previous: r.get(21)?,
        signature_previous_until: r.get(22)?,
        events: Vec::new(),
        stores: Vec::new(),
    })
}

fn with_events_and_stores(conn: &Conn, mut row: HookRow) -> Result<HookRow> {
    row.events = conn
        .prepare_cached("SELECT event FROM hook_events WHERE hook_id = ?1 ORDER BY rowid")?
        .query_map(args![row.id], |r| r.get(0))?
        .collect::<Result<_>>()?;
    if !row.all_stores {
        row.stores = conn
            .prepare_cached("SELECT store_id FROM hook_stores WHERE hook_id = ?1 ORDER BY rowid")?
            .query_map(args![row.id], |r| r.get(0))?
            .collect::<Result<_>>()?;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    /// Secret columns holding bytes no seal made (one not even UTF-8): the store must write and return
    /// them as they are. Opening them, or checking them, would fail here.
    fn row(id: &str) -> HookRow {
        HookRow {
            id: id.into(),
            label: "Kitchen printer".into(),
            url_base: "https://example.com/hook".into(),
            url_query: Some(b"sealed? no: url_query".to_vec()),
            events: vec!["order.open".into(), "order.close".into()],
            all_stores: false,
            stores: vec!["store-2".into(), "store-1".into()],
            app_type: Some("pos".into()),
            auth_kind: "basic".into(),
            auth_name: Some("kitchen".into()),
            auth_secret: Some(vec![0x00, 0x9f, 0x92, 0x96, 0xff]),
            signature_kind: "standard".into(),
            signature_key_source: None,
            signature_secret: Some(b"whsec_plain".to_vec()),
            signature_previous: Some(vec![7; 3]),
            signature_previous_until: Some(1_700_000_000_000),
            retry_preset: "standard".into(),
            ordered: true,
            allow_private_network: false,
            timeout_ms: 15_000,
            enabled: true,
            failing_since_ms: Some(5),
            disabled_reason: None,
            created_at_ms: 1,
            updated_at_ms: 2,
        }
    }

    fn db_with_stores() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_at(dir.path(), None).unwrap();
        for id in ["store-1", "store-2"] {
            db.conn()
                .execute(
                    "INSERT INTO stores (id, name, created_at, updated_at) VALUES (?1, ?1, 0, 0)",
                    args![id],
                )
                .unwrap();
        }
        (dir, db)
    }

    #[test]
    fn sealed_columns_round_trip_unchanged() {
        let (_dir, db) = db_with_stores();
        let conn = db.conn();
        let a = row("hk_a");
        insert(&conn, &a).unwrap();
        assert_eq!(get(&conn, "hk_a").unwrap(), Some(a.clone()));

        let b = HookRow {
            url_query: None,
            all_stores: true,
            stores: Vec::new(),
            auth_secret: Some(b"\x01\x02".to_vec()),
            signature_previous: None,
            signature_previous_until: None,
            updated_at_ms: 3,
            ..a.clone()
        };
        update(&conn, &b).unwrap();
        insert(&conn, &row("hk_c")).unwrap();
        assert_eq!(list(&conn).unwrap(), vec![b, row("hk_c")]);
        assert_eq!(get(&conn, "hk_none").unwrap(), None);
    }
}
