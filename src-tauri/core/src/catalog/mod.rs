//! The event catalogue: every event type, its family, app scope, description and sample payload.

mod events;
mod samples;

pub use events::{
    catalog_by_family, AppType, CatalogEvent, CatalogFamily, EventInfo, EventType, Family, EVENTS,
};
pub use samples::{order_key, sample, PROOF_PNG_BASE64};
