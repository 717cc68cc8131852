//! Reading the audit log: only a role holding `ReadAudit` may, a page at a time. The store records and
//! reads entries; the permission and the page size are decided here.

use super::{Actor, Permission};
use crate::store;
use crate::{Ctx, Error, Result};

pub use crate::store::audit::{summarize, AuditEntry};

/// The most entries one page of the log returns.
pub const MAX_PAGE: u32 = 500;

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
    store::audit::list(&ctx.db.conn(), limit, before_id)
}
