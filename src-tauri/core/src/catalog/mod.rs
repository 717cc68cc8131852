//! The event catalogue: every event type, its family, app scope, description and sample payload.
