//! The state a delivery is in, as the engine and the log reason about it (docs/architecture.md, The
//! life of a delivery): where it goes, what started an attempt and how far it got. Each is stored as
//! text and read back through `store/delivery_state.rs`, where a value this version does not know is a
//! decode error, never a guess.

use serde::Serialize;

/// The states of a delivery (docs/architecture.md, the life of a delivery), for the window's type.
// Also the engine's own state: `delivering` while claimed, `failed` while waiting for a retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryStatus {
    Pending,
    Delivering,
    Succeeded,
    Failed,
    Dead,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivering,
        DeliveryStatus::Succeeded,
        DeliveryStatus::Failed,
        DeliveryStatus::Dead,
    ];

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivering => "delivering",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Dead => "dead",
        }
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What started an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    Live,
    Test,
    Resend,
}

impl Trigger {
    pub const ALL: [Trigger; 3] = [Trigger::Live, Trigger::Test, Trigger::Resend];

    pub fn parse(s: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Live => "live",
            Trigger::Test => "test",
            Trigger::Resend => "resend",
        }
    }
}

impl std::fmt::Display for Trigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a delivery goes, and what per-destination concurrency and per-order ordering are keyed on.
/// Stored as `hook:<hook id>`, `hub:<store id>` or `test:<hook id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Destination {
    /// A hook's live deliveries.
    Hook(String),
    /// A store's Integration Hub order-webhook page: one destination per page, so a check's update
    /// never overtakes its open whichever URL each goes to.
    Hub(String),
    /// A test send to a hook: never claimed by the engine, never retried.
    Test(String),
}

impl Destination {
    /// The stored form back as a destination; `None` for anything else (an unknown prefix, no id).
    pub fn parse(s: &str) -> Option<Destination> {
        let (kind, id) = s.split_once(':')?;
        if id.is_empty() {
            return None;
        }
        let id = id.to_string();
        match kind {
            "hook" => Some(Destination::Hook(id)),
            "hub" => Some(Destination::Hub(id)),
            "test" => Some(Destination::Test(id)),
            _ => None,
        }
    }

    /// The hook a hook or test destination sends to; a page has none.
    pub fn hook_id(&self) -> Option<&str> {
        match self {
            Destination::Hook(id) | Destination::Test(id) => Some(id),
            Destination::Hub(_) => None,
        }
    }

    pub fn is_test(&self) -> bool {
        matches!(self, Destination::Test(_))
    }
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Destination::Hook(id) => write!(f, "hook:{id}"),
            Destination::Hub(store) => write!(f, "hub:{store}"),
            Destination::Test(id) => write!(f, "test:{id}"),
        }
    }
}

/// Compares with the stored form, as a destination's key in maps of strings.
impl PartialEq<str> for Destination {
    fn eq(&self, other: &str) -> bool {
        let (kind, id) = match self {
            Destination::Hook(id) => ("hook:", id),
            Destination::Hub(id) => ("hub:", id),
            Destination::Test(id) => ("test:", id),
        };
        other.strip_prefix(kind) == Some(id.as_str())
    }
}

impl PartialEq<&str> for Destination {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_known_answers() {
        let known = [
            (DeliveryStatus::Pending, "pending"),
            (DeliveryStatus::Delivering, "delivering"),
            (DeliveryStatus::Succeeded, "succeeded"),
            (DeliveryStatus::Failed, "failed"),
            (DeliveryStatus::Dead, "dead"),
        ];
        for (status, text) in known {
            assert_eq!(status.as_str(), text);
            assert_eq!(DeliveryStatus::parse(text), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), text);
        }
        assert_eq!(known.len(), DeliveryStatus::ALL.len());
        for bad in ["", "Pending", "retrying", "dead "] {
            assert_eq!(DeliveryStatus::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn triggers_known_answers() {
        let known = [
            (Trigger::Live, "live"),
            (Trigger::Test, "test"),
            (Trigger::Resend, "resend"),
        ];
        for (trigger, text) in known {
            assert_eq!(trigger.as_str(), text);
            assert_eq!(Trigger::parse(text), Some(trigger));
            assert_eq!(serde_json::to_value(trigger).unwrap(), text);
        }
        assert_eq!(known.len(), Trigger::ALL.len());
        for bad in ["", "LIVE", "recover"] {
            assert_eq!(Trigger::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn destinations_known_answers() {
        let known = [
            (Destination::Hook("h_1".into()), "hook:h_1"),
            (Destination::Hub("store-12".into()), "hub:store-12"),
            (Destination::Test("h_1".into()), "test:h_1"),
            // Only the first colon separates: the rest belongs to the id.
            (Destination::Hook("a:b".into()), "hook:a:b"),
        ];
        for (dest, text) in &known {
            assert_eq!(dest.to_string(), *text);
            assert_eq!(Destination::parse(text).as_ref(), Some(dest));
            assert!(*dest == *text);
        }
        assert_eq!(known[0].0.hook_id(), Some("h_1"));
        assert_eq!(known[1].0.hook_id(), None);
        assert_eq!(known[2].0.hook_id(), Some("h_1"));
        assert!(known[2].0.is_test() && !known[0].0.is_test());
        assert!(known[0].0 != "test:h_1" && known[0].0 != "hook:h_");
        for bad in ["", "hook", "hook:", "hooks:h_1", "Hook:h_1", "h_1", ":h_1"] {
            assert_eq!(Destination::parse(bad), None, "{bad:?}");
        }
    }
}
