//! The UI's JSON shapes differ from the core's in a few places (store scope as `'all' | string[]`,
//! timestamps as milliseconds, the order-webhook page's nested request header); these adapt them.

use hookdesk_core::clock::parse_rfc3339;
use hookdesk_core::config::views::{HookView, OrderWebhooksView};
use hookdesk_core::domain::{HookInput, OrderWebhooksPatch};
use hookdesk_core::{Error, Result};
use serde_json::{json, Map, Value};

fn ms(v: &Value) -> Value {
    match v.as_str().and_then(|s| parse_rfc3339("at", s).ok()) {
        Some(t) => json!(t),
        None => Value::Null,
    }
}

pub fn hook_to_ui(view: &HookView) -> Result<Value> {
    let mut v = serde_json::to_value(view).map_err(|e| Error::Delivery(e.to_string()))?;
    let o = v
        .as_object_mut()
        .ok_or_else(|| Error::Delivery("hook view".into()))?;
    let all = o
        .remove("allStores")
        .and_then(|a| a.as_bool())
        .unwrap_or(false);
    if all {
        o.insert("stores".into(), json!("all"));
    }
    let status = if !view.enabled {
        "disabled"
    } else if view.failing_since.is_some() {
        "failing"
    } else {
        "healthy"
    };
    o.insert("status".into(), json!(status));
    for k in [
        "failingSince",
        "previousSecretUntil",
        "createdAt",
        "updatedAt",
    ] {
        let t = o.get(k).map(ms).unwrap_or(Value::Null);
        o.insert(k.into(), t);
    }
    Ok(v)
}

pub fn hook_from_ui(mut input: Value) -> Result<HookInput> {
    let o = input
        .as_object_mut()
        .ok_or_else(|| Error::invalid("input", "must be an object"))?;
    match o.remove("stores") {
        Some(Value::String(s)) if s == "all" => {
            o.insert("allStores".into(), json!(true));
        }
        Some(Value::Array(list)) => {
            o.insert("allStores".into(), json!(false));
            o.insert("stores".into(), Value::Array(list));
        }
        Some(Value::Null) | None => {}
        Some(_) => {
            return Err(Error::invalid(
                "stores",
                "must be \"all\" or a list of store ids",
            ))
        }
    }
    serde_json::from_value(input).map_err(|e| Error::invalid("input", e.to_string()))
}

fn toggle_to_ui(v: Option<&Value>) -> Value {
    let v = v.cloned().unwrap_or(Value::Null);
    json!({"url": v.get("url").and_then(Value::as_str).unwrap_or(""),
           "enabled": v.get("enabled").and_then(Value::as_bool).unwrap_or(false)})
}

pub fn hub_to_ui(view: &OrderWebhooksView) -> Result<Value> {
    let v = serde_json::to_value(view).map_err(|e| Error::Delivery(e.to_string()))?;
    Ok(json!({
        "store": v["store"],
        "requestHeader": {"name": v["headerName"].as_str().unwrap_or(""), "valueMasked": v["headerValue"]},
        "open": toggle_to_ui(v.get("open")),
        "update": toggle_to_ui(v.get("update")),
        "close": toggle_to_ui(v.get("close")),
        "thirdPartyActive": v["thirdPartyActive"],
        "allowPrivateNetwork": v["allowPrivateNetwork"],
    }))
}

pub fn hub_from_ui(settings: Value) -> Result<OrderWebhooksPatch> {
    let mut patch = Map::new();
    if let Some(h) = settings.get("requestHeader") {
        if let Some(name) = h.get("name") {
            patch.insert("headerName".into(), name.clone());
        }
        if let Some(value) = h
            .get("value")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            patch.insert("headerValue".into(), json!(value));
        }
    }
    for k in [
        "open",
        "update",
        "close",
        "thirdPartyActive",
        "allowPrivateNetwork",
    ] {
        if let Some(v) = settings.get(k) {
            patch.insert(k.into(), v.clone());
        }
    }
    serde_json::from_value(Value::Object(patch))
        .map_err(|e| Error::invalid("settings", e.to_string()))
}
