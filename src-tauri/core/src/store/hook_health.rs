//! A hook's health as the engine tracks it (docs/architecture.md, step 6): since when it has been
//! failing, and turning it off. The rules (410 at once, five days of failures) are the engine's
//! (`delivery/engine/record.rs`); these are its writes to the `hooks` table.

use crate::args;
use crate::store::{json_arg, Conn};
use crate::Result;

/// A success: the hook is no longer failing.
pub fn clear_failing(conn: &Conn, hook: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE hooks SET failing_since_ms = NULL WHERE id = ?1 AND failing_since_ms IS NOT NULL",
    )?
    .execute(args![hook])?;
    Ok(())
}

/// Successes for each hook of a JSON array (`?1`): none of them is failing any more. One statement
/// for a batch; see [`clear_failing_all`].
pub(crate) const CLEAR_FAILING_ALL: &str = "UPDATE hooks SET failing_since_ms = NULL
     WHERE id IN (SELECT value FROM json_each(?1)) AND failing_since_ms IS NOT NULL";

/// Successes for each of `hooks`: none of them is failing any more.
pub fn clear_failing_all(conn: &Conn, hooks: &[&str]) -> Result<()> {
    if hooks.is_empty() {
        return Ok(());
    }
    conn.prepare_cached(CLEAR_FAILING_ALL)?
        .execute(args![json_arg(hooks)])?;
    Ok(())
}

/// A failure: the hook is failing since now, unless it already was.
pub fn note_failing(conn: &Conn, hook: &str, now: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE hooks SET failing_since_ms = COALESCE(failing_since_ms, ?2) WHERE id = ?1",
    )?
    .execute(args![hook, now])?;
    Ok(())
}

/// Turns the hook off with `reason`; true when it was on.
pub fn disable(conn: &Conn, hook: &str, reason: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE hooks SET enabled = 0, disabled_reason = ?2 WHERE id = ?1 AND enabled = 1",
        )?
        .execute(args![hook, reason])?;
    Ok(n > 0)
}

/// Turns the hook off with `reason` if it has been failing since `cutoff` or earlier; true when it was on.
pub fn disable_if_failing_since(
    conn: &Conn,
    hook: &str,
    cutoff: i64,
    reason: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE hooks SET enabled = 0, disabled_reason = ?3
                 WHERE id = ?1 AND enabled = 1 AND failing_since_ms <= ?2",
        )?
        .execute(args![hook, cutoff, reason])?;
    Ok(n > 0)
}
