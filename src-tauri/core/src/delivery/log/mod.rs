//! The delivery log, the read side of delivery: deliveries with their attempts and the bodies they
//! sent, resend and recover, the dashboard's statistics and the CSV export. Its queries are in
//! `store/delivery_log.rs`, `store/attempts.rs` and `store/requeue.rs`.

mod attempts;
pub mod export;
mod list;
mod requeue;
pub mod sent_body;
pub mod stats;

pub(crate) use attempts::attempts_of;
pub use attempts::{attempts, AttemptErrorView, AttemptView};
pub use list::{list, DeliveryView, Filter, MAX_PAGE};
pub use requeue::{recover, recover_progress, resend, RecoverCounts};

/// The states and triggers the views carry.
pub use crate::domain::{DeliveryStatus, Trigger};

use crate::{Ctx, Result};

/// The last `is_online` answer per store.
pub fn pos_status(ctx: &Ctx) -> Result<std::collections::HashMap<String, bool>> {
    crate::store::pos_status::all(&ctx.db.conn())
}
