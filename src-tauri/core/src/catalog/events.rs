use serde::{Deserialize, Serialize};

/// The four receiver systems, each with its own wire format (docs/wire-formats.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Integration Hub order webhooks: `order.open`, `order.update`, `order.close`.
    Hub,
    /// Order injection: `new_order`, `validate_order`, `is_online`.
    OrderInjection,
    /// Order status and rider events (`order-*`, `rider-*`).
    OrderStatus,
    /// Merchant payment events (`ach.*`, `cau.*`, `transaction.*`…).
    Merchant,
}

impl Family {
    pub fn label(self) -> &'static str {
        match self {
            Family::Hub => "Integration Hub orders",
            Family::OrderInjection => "Order injection",
            Family::OrderStatus => "Order status & riders",
            Family::Merchant => "Merchant payments",
        }
    }
}

/// The app type an order-status subscriber declares (docs/architecture.md, Stores, hooks and routing); it limits which order/rider events it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    Channel,
    Pos,
    Rider,
    Loyalty,
}

impl AppType {
    pub fn parse(field: &str, s: &str) -> crate::Result<AppType> {
        match s {
            "channel" => Ok(AppType::Channel),
            "pos" => Ok(AppType::Pos),
            "rider" => Ok(AppType::Rider),
            "loyalty" => Ok(AppType::Loyalty),
            _ => Err(crate::Error::invalid(
                field,
                "must be channel, pos, rider or loyalty",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AppType::Channel => "channel",
            AppType::Pos => "pos",
            AppType::Rider => "rider",
            AppType::Loyalty => "loyalty",
        }
    }
}

pub struct EventInfo {
    pub name: &'static str,
    pub family: Family,
    /// Only order-status events have a scope; empty for the other families.
    pub scope: &'static [AppType],
    pub description: &'static str,
}

use AppType::{Channel as C, Loyalty as L, Pos as P, Rider as R};

const fn ev(name: &'static str, family: Family, description: &'static str) -> EventInfo {
    EventInfo {
        name,
        family,
        scope: &[],
        description,
    }
}

const fn os(name: &'static str, scope: &'static [AppType], description: &'static str) -> EventInfo {
    EventInfo {
        name,
        family: Family::OrderStatus,
        scope,
        description,
    }
}

/// All 44 events, grouped by family in the order the UI lists them.
pub static EVENTS: &[EventInfo] = &[
    ev(
        "order.open",
        Family::Hub,
        "A check was opened: an order placed on OLO, or in the POS when third-party is active",
    ),
    ev(
        "order.update",
        Family::Hub,
        "A check changed, such as an added item or a new table",
    ),
    ev("order.close", Family::Hub, "A check was closed"),
    ev(
        "new_order",
        Family::OrderInjection,
        "A new order ready to be processed; any 2xx accepts it",
    ),
    ev(
        "validate_order",
        Family::OrderInjection,
        "An order pending validation; the receiver answers {\"valid_order\": bool}",
    ),
    ev(
        "is_online",
        Family::OrderInjection,
        "Checks that the POS is online; the receiver answers {\"online\": bool}",
    ),
    os("order-accepted", &[P], "An order has been created"),
    os(
        "order-in-kitchen",
        &[C, R, L],
        "The POS received the order and it will be prepared",
    ),
    os(
        "order-ready-to-pick-up",
        &[C, R],
        "A delivery-by-location order is ready to be picked up",
    ),
    os(
        "order-picked-up",
        &[C],
        "A takeaway order was picked up by the customer",
    ),
    os("order-served", &[C], "An order-at-table order was served"),
    os("order-canceled", &[P, R, L], "An order was canceled"),
    os(
        "rider-created",
        &[C, P],
        "A rider took charge of the delivery",
    ),
    os(
        "rider-picking",
        &[C, P],
        "The rider is on the way to the restaurant",
    ),
    os(
        "rider-delivering",
        &[C, P],
        "The rider is on the way to the customer",
    ),
    os("rider-completed", &[C, P], "The delivery was completed"),
    os("rider-error", &[C, P], "An error occurred during delivery"),
    os(
        "rider-proof-delivery",
        &[C],
        "Proof of delivery (a base64 PNG)",
    ),
    os(
        "rider-refund",
        &[C],
        "The order was not delivered and is refunded (amounts in cents)",
    ),
    ev(
        "ach.submitted",
        Family::Merchant,
        "ACH status updated to submitted",
    ),
    ev(
        "ach.settled",
        Family::Merchant,
        "ACH status updated to settled",
    ),
    ev(
        "ach.returned",
        Family::Merchant,
        "ACH status updated to returned",
    ),
    ev("ach.voided", Family::Merchant, "ACH transaction voided"),
    ev(
        "ach.failed",
        Family::Merchant,
        "ACH status updated to failed",
    ),
    ev(
        "ach.note_added",
        Family::Merchant,
        "Note added to an ACH transaction",
    ),
    ev(
        "cau.created",
        Family::Merchant,
        "A card account updater record was created",
    ),
    ev(
        "cau.submitted",
        Family::Merchant,
        "Card submitted to the processor for update",
    ),
    ev(
        "cau.updated_expiration",
        Family::Merchant,
        "An updated expiration date was received",
    ),
    ev(
        "cau.updated_card",
        Family::Merchant,
        "An updated card number was received",
    ),
    ev(
        "cau.contact_customer",
        Family::Merchant,
        "The issuer asks to contact the customer for a new card number",
    ),
    ev(
        "cau.account_closed",
        Family::Merchant,
        "Notification of account closure received",
    ),
    ev(
        "product.inventory.ordered",
        Family::Merchant,
        "Inventory adjusted after a sale",
    ),
    ev(
        "product.inventory.adjusted",
        Family::Merchant,
        "Inventory adjusted in the products database",
    ),
    ev(
        "transaction.sale.success",
        Family::Merchant,
        "A sale transaction was approved",
    ),
    ev(
        "transaction.sale.failure",
        Family::Merchant,
        "A sale transaction failed, including declines and errors",
    ),
    ev(
        "transaction.sale.voided",
        Family::Merchant,
        "A sale transaction was voided",
    ),
    ev(
        "transaction.sale.captured",
        Family::Merchant,
        "A sale transaction was captured",
    ),
    ev(
        "transaction.sale.adjusted",
        Family::Merchant,
        "A sale transaction was adjusted",
    ),
    ev(
        "transaction.sale.queued",
        Family::Merchant,
        "A sale transaction was queued",
    ),
    ev(
        "transaction.sale.unvoided",
        Family::Merchant,
        "A voided sale transaction was unvoided",
    ),
    ev(
        "transaction.refund.success",
        Family::Merchant,
        "A refund transaction was approved",
    ),
    ev(
        "transaction.refund.voided",
        Family::Merchant,
        "A refund transaction was voided",
    ),
    ev(
        "settlement.batch.success",
        Family::Merchant,
        "A batch settled successfully",
    ),
    ev(
        "settlement.batch.failure",
        Family::Merchant,
        "A batch got an error when attempting to settle",
    ),
];

/// A known event type; only [`EventType::parse`] makes one.
/// Sent as its name: `"order.open"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, ts_rs::TS)]
#[ts(type = "string")]
pub struct EventType(&'static EventInfo);

impl std::fmt::Debug for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EventType({})", self.0.name)
    }
}

impl PartialEq for EventInfo {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for EventInfo {}
impl std::hash::Hash for EventInfo {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.name.hash(h)
    }
}

impl EventType {
    pub fn parse(field: &str, s: &str) -> crate::Result<EventType> {
        EVENTS
            .iter()
            .find(|e| e.name == s)
            .map(EventType)
            .ok_or_else(|| {
                crate::Error::invalid(field, format!("unknown event type {:?}", truncate(s)))
            })
    }

    pub fn name(self) -> &'static str {
        self.0.name
    }

    pub fn family(self) -> Family {
        self.0.family
    }

    pub fn info(self) -> &'static EventInfo {
        self.0
    }

    /// Whether a subscriber of `app` may take this event. Families without a scope accept any subscriber.
    pub fn allowed_for(self, app: Option<AppType>) -> bool {
        match (self.0.family, app) {
            (Family::OrderStatus, Some(a)) => self.0.scope.contains(&a),
            (Family::OrderStatus, None) => false,
            _ => true,
        }
    }

    pub fn all() -> impl Iterator<Item = EventType> {
        EVENTS.iter().map(EventType)
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_has_44_distinct_events_in_four_families() {
        assert_eq!(EVENTS.len(), 44);
        let mut names: Vec<_> = EVENTS.iter().map(|e| e.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 44);
        let count = |f| EVENTS.iter().filter(|e| e.family == f).count();
        assert_eq!((count(Family::Hub), count(Family::OrderInjection)), (3, 3));
        assert_eq!(
            (count(Family::OrderStatus), count(Family::Merchant)),
            (13, 25)
        );
    }

    #[test]
    fn app_scope_matrix_matches_the_seed() {
        let t = |n| EventType::parse("e", n).unwrap();
        assert!(t("order-accepted").allowed_for(Some(AppType::Pos)));
        assert!(!t("order-accepted").allowed_for(Some(AppType::Channel)));
        assert!(t("order-canceled").allowed_for(Some(AppType::Loyalty)));
        assert!(!t("order-canceled").allowed_for(Some(AppType::Channel)));
        assert!(!t("rider-refund").allowed_for(Some(AppType::Pos)));
        assert!(!t("rider-error").allowed_for(None));
        assert!(t("ach.settled").allowed_for(None));
        assert_eq!(
            EventType::parse("events", "nope").unwrap_err().field(),
            Some("events")
        );
    }
}

/// One event of the catalogue as the window's event picker shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CatalogEvent {
    pub name: String,
    pub description: String,
    /// The app types that may subscribe (order status events only; empty otherwise).
    pub scope: Vec<AppType>,
}

/// A receiver family with its events, in the catalogue's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CatalogFamily {
    pub family: Family,
    pub label: String,
    pub events: Vec<CatalogEvent>,
}

/// The whole catalogue grouped by family, for the Add Hook modal's grouped multi-select.
pub fn catalog_by_family() -> Vec<CatalogFamily> {
    [
        Family::Hub,
        Family::OrderInjection,
        Family::OrderStatus,
        Family::Merchant,
    ]
    .into_iter()
    .map(|family| CatalogFamily {
        family,
        label: family.label().to_string(),
        events: EVENTS
            .iter()
            .filter(|e| e.family == family)
            .map(|e| CatalogEvent {
                name: e.name.to_string(),
                description: e.description.to_string(),
                scope: e.scope.to_vec(),
            })
            .collect(),
    })
    .collect()
}
