//! The event catalogue: every event type, its family, app scope, description and sample payload.

mod events;

pub use events::{AppType, EventInfo, EventType, Family, EVENTS};
