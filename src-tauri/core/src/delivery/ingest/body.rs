//! The body of `POST /v1/events`: exactly `type`, `store`, `data` and the optional `key` and
//! `order_key`, or a refusal naming the field. Public so it can be fuzzed without HTTP around it.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::problem::{problem, status_of};
use crate::delivery::engine::outbox::NewEvent;
use crate::error::ErrorPayload;

/// Why a request body was refused: the HTTP status and the `{code, message, field}` payload sent back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub error: ErrorPayload,
}

impl Refusal {
    pub(super) fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let e = self.error;
        problem(status, &e.code, &e.message, e.field.as_deref())
    }
}

fn refuse(status: StatusCode, code: &str, message: &str, field: Option<&str>) -> Refusal {
    Refusal {
        status: status.as_u16(),
        error: ErrorPayload {
            code: code.to_string(),
            message: message.to_string(),
            field: field.map(str::to_string),
        },
    }
}

/// The accepted request body of `POST /v1/events`; anything else is refused with the field named.
/// Public so the parser can be exercised on its own (fuzzing), without HTTP around it.
pub fn parse_event_body(bytes: &[u8]) -> Result<NewEvent, Refusal> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| {
        refuse(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            &format!("the body is not valid JSON: {e}"),
            None,
        )
    })?;
    let Value::Object(obj) = v else {
        return Err(refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the body must be a JSON object",
            None,
        ));
    };
    for k in obj.keys() {
        if !matches!(k.as_str(), "type" | "store" | "data" | "key" | "order_key") {
            let field: String = k.chars().take(64).collect();
            return Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "unknown field",
                Some(&field),
            ));
        }
    }
    let string = |name: &str, required: bool| -> Result<Option<String>, Refusal> {
        match obj.get(name) {
            Some(Value::String(s)) => Ok(Some(s.clone())),
            None | Some(Value::Null) if !required => Ok(None),
            None | Some(Value::Null) => Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "this field is required",
                Some(name),
            )),
            Some(_) => Err(refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "must be a string",
                Some(name),
            )),
        }
    };
    let event_type = string("type", true)?.unwrap_or_default();
    let store = string("store", true)?.unwrap_or_default();
    let key = string("key", false)?;
    let order_key = string("order_key", false)?;
    let data = obj.get("data").cloned().unwrap_or(Value::Null);
    NewEvent::parse(&event_type, &store, data, key, order_key).map_err(|e| Refusal {
        status: status_of(&e).as_u16(),
        error: e.to_payload(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(body: &str) -> Refusal {
        match parse_event_body(body.as_bytes()) {
            Ok(ev) => panic!("accepted {ev:?}"),
            Err(r) => r,
        }
    }

    #[test]
    fn refusals_carry_status_code_and_field() {
        let r = refused("{not json");
        assert_eq!((r.status, r.error.code.as_str()), (400, "invalid_json"));
        let r = refused(r#"{"type":"order.open","store":"s","data":{},"extra":1}"#);
        assert_eq!((r.status, r.error.field.as_deref()), (422, Some("extra")));
        let r = refused(r#"{"type":"nope","store":"s","data":{}}"#);
        assert_eq!((r.status, r.error.field.as_deref()), (422, Some("type")));
        let r = refused(r#"{"type":"order.open","store":7,"data":{}}"#);
        assert_eq!(r.error.field.as_deref(), Some("store"));
        let long = "k".repeat(500);
        let r = refused(&format!(r#"{{"{long}":1}}"#));
        assert_eq!(r.error.field.map(|f| f.len()), Some(64));
    }

    #[test]
    fn a_valid_body_becomes_an_event() {
        let ev = parse_event_body(
            br#"{"type":"order.open","store":" store-1 ","data":{"checkId":"C1"},"key":"k1"}"#,
        )
        .expect("accepted");
        assert_eq!(ev.event_type.name(), "order.open");
        assert_eq!(ev.store, "store-1");
        assert_eq!(ev.key.as_deref(), Some("k1"));
        assert_eq!(ev.order_key.as_deref(), Some("C1"));
    }
}
