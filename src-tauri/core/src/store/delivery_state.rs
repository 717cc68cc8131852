//! How a delivery's state is stored: its destination, status and attempt triggers as text
//! (`domain/delivery_state.rs`). A row read back is parsed here, once: a value this version does not
//! know is a decode error (docs/architecture.md, Storage), never a panic or a guess further on.

use crate::domain::{DeliveryStatus, Destination, Trigger};
use crate::store::{FromValue, ToValue, Value};

fn parsed<T>(v: &Value, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
    let text = String::from_value(v)?;
    parse(&text).ok_or_else(|| format!("unknown {what} {text:?}"))
}

impl FromValue for DeliveryStatus {
    fn from_value(v: &Value) -> Result<Self, String> {
        parsed(v, "delivery status", DeliveryStatus::parse)
    }
}

impl ToValue for DeliveryStatus {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().to_string())
    }
}

impl FromValue for Trigger {
    fn from_value(v: &Value) -> Result<Self, String> {
        parsed(v, "trigger", Trigger::parse)
    }
}

impl ToValue for Trigger {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().to_string())
    }
}

impl FromValue for Destination {
    fn from_value(v: &Value) -> Result<Self, String> {
        parsed(v, "destination", Destination::parse)
    }
}

impl ToValue for Destination {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use crate::args;
    use crate::domain::{DeliveryStatus, Destination, Trigger};
    use crate::store::{DbErrorKind, Row, Value};

    fn decode_kind(r: crate::Result<impl std::fmt::Debug>) -> Option<DbErrorKind> {
        match r {
            Err(crate::Error::Db(e)) => Some(e.kind()),
            other => panic!("expected a database error, got {other:?}"),
        }
    }

    #[test]
    fn stored_text_reads_back_as_the_same_value() {
        let row = Row(vec![
            Value::Text("failed".into()),
            Value::Text("resend".into()),
            Value::Text("hub:store-1".into()),
        ]);
        assert_eq!(
            row.get::<_, DeliveryStatus>(0).unwrap(),
            DeliveryStatus::Failed
        );
        assert_eq!(row.get::<_, Trigger>(1).unwrap(), Trigger::Resend);
        assert_eq!(
            row.get::<_, Destination>(2).unwrap(),
            Destination::Hub("store-1".into())
        );
        assert_eq!(
            args![
                DeliveryStatus::Dead,
                Trigger::Test,
                Destination::Test("h".into())
            ],
            &[
                Value::Text("dead".into()),
                Value::Text("test".into()),
                Value::Text("test:h".into())
            ]
        );
    }

    #[test]
    fn unknown_stored_values_are_decode_errors() {
        let row = Row(vec![
            Value::Text("retrying".into()),
            Value::Text("manual".into()),
            Value::Text("queue:x".into()),
            Value::Null,
            Value::Int(3),
        ]);
        assert_eq!(
            decode_kind(row.get::<_, DeliveryStatus>(0)),
            Some(DbErrorKind::Decode)
        );
        assert_eq!(
            decode_kind(row.get::<_, Trigger>(1)),
            Some(DbErrorKind::Decode)
        );
        assert_eq!(
            decode_kind(row.get::<_, Destination>(2)),
            Some(DbErrorKind::Decode)
        );
        assert_eq!(
            decode_kind(row.get::<_, Trigger>(3)),
            Some(DbErrorKind::Decode)
        );
        assert_eq!(
            decode_kind(row.get::<_, DeliveryStatus>(4)),
            Some(DbErrorKind::Decode)
        );
        assert_eq!(row.get::<_, Option<Trigger>>(3).unwrap(), None);
    }
}
