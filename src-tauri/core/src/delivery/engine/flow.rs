//! The order-injection flow: `is_online`, then `validate_order`, then `new_order`, per destination and order key.
//! A "no" (or a check that can never answer) means the rest of that order must not reach the POS, so the
//! later steps are marked dead without a request.

use serde_json::Value;

use super::record::Next;
use crate::catalog::EventType;
use crate::store::{flow, Conn};
use crate::Result;

/// Which later deliveries of the same destination and order key a check's answer cancels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    /// Event types that are cancelled.
    pub events: &'static [&'static str],
    /// A later delivery of one of these types starts a fresh try of the flow: nothing from it on is touched.
    pub until: &'static [&'static str],
    /// Stored as the cancelled deliveries' `last_error`.
    pub reason: &'static str,
}

pub const POS_OFFLINE: Skip = Skip {
    events: &["validate_order", "new_order"],
    until: &["is_online"],
    reason: "POS offline: skipped",
};

pub const ORDER_INVALID: Skip = Skip {
    events: &["new_order"],
    until: &["is_online", "validate_order"],
    reason: "order not valid: skipped",
};

/// What an attempt's outcome cancels. A check still retrying cancels nothing yet (a retry may say yes);
/// one that ended dead never said yes, and a 2xx counts only with an explicit `true` (fail closed).
pub fn skips(event: EventType, result: Option<&Value>, next: Next) -> Option<Skip> {
    let (field, skip) = match event.name() {
        "is_online" => ("online", POS_OFFLINE),
        "validate_order" => ("valid_order", ORDER_INVALID),
        _ => return None,
    };
    let said_yes = match next {
        Next::Retry { .. } => return None,
        Next::Dead => false,
        Next::Succeeded => matches!(result.and_then(|r| r.get(field)), Some(Value::Bool(true))),
    };
    (!said_yes).then_some(skip)
}

/// Marks the cancelled later deliveries of `delivery_id`'s destination and order key dead, inside the
/// caller's transaction. Deliveries without an order key are never linked to each other. Returns how many.
pub(crate) fn apply(tx: &Conn, delivery_id: i64, skip: &Skip, now: i64) -> Result<usize> {
    let n = flow::cancel_rest(tx, delivery_id, skip.events, skip.until, skip.reason, now)?;
    if n > 0 {
        tracing::info!(
            delivery = delivery_id,
            skipped = n,
            reason = skip.reason,
            "order flow stopped"
        );
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(name: &str) -> EventType {
        EventType::parse("e", name).unwrap()
    }

    #[test]
    fn online_and_valid_answers_cancel_nothing() {
        let online = json!({"online": true});
        let valid = json!({"valid_order": true});
        assert_eq!(skips(t("is_online"), Some(&online), Next::Succeeded), None);
        assert_eq!(
            skips(t("validate_order"), Some(&valid), Next::Succeeded),
            None
        );
    }

    #[test]
    fn an_offline_pos_cancels_validation_and_the_order() {
        let offline = json!({"online": false});
        let got = skips(t("is_online"), Some(&offline), Next::Succeeded);
        assert_eq!(got, Some(POS_OFFLINE));
        assert_eq!(POS_OFFLINE.events, ["validate_order", "new_order"]);
    }

    #[test]
    fn an_invalid_order_cancels_only_the_order() {
        let invalid = json!({"valid_order": false});
        let got = skips(t("validate_order"), Some(&invalid), Next::Succeeded);
        assert_eq!(got, Some(ORDER_INVALID));
        assert_eq!(ORDER_INVALID.events, ["new_order"]);
    }

    #[test]
    fn a_retrying_check_cancels_nothing_yet() {
        let offline = json!({"online": false});
        let retry = Next::Retry { at: 5_000 };
        assert_eq!(skips(t("is_online"), Some(&offline), retry), None);
        assert_eq!(skips(t("validate_order"), None, retry), None);
    }

    #[test]
    fn a_dead_check_cancels_as_a_no() {
        let offline = json!({"online": false});
        assert_eq!(
            skips(t("is_online"), Some(&offline), Next::Dead),
            Some(POS_OFFLINE)
        );
        // Not even prepared (no result at all): still never a yes.
        assert_eq!(skips(t("is_online"), None, Next::Dead), Some(POS_OFFLINE));
        assert_eq!(
            skips(t("validate_order"), None, Next::Dead),
            Some(ORDER_INVALID)
        );
    }

    #[test]
    fn a_success_without_a_clear_yes_fails_closed() {
        let wrong_field = json!({"valid_order": true});
        assert_eq!(
            skips(t("is_online"), Some(&wrong_field), Next::Succeeded),
            Some(POS_OFFLINE)
        );
        assert_eq!(
            skips(t("is_online"), None, Next::Succeeded),
            Some(POS_OFFLINE)
        );
    }

    #[test]
    fn other_events_never_cancel() {
        for name in ["new_order", "order.open", "ach.settled", "order-accepted"] {
            for next in [Next::Succeeded, Next::Dead] {
                assert_eq!(skips(t(name), None, next), None, "{name}");
            }
        }
    }
}
