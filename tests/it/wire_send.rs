//! Rendered and signed requests for each family, sent through the real HTTP client to a real receiver.

use std::io::Write;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use hookdesk_core::catalog::{sample, EventType};
use hookdesk_core::delivery::transport::http::{HttpClient, Outgoing, MAX_RESPONSE_BODY};
use hookdesk_core::delivery::transport::outcome::{AttemptOutcome, ErrorKind};
use hookdesk_core::delivery::wire::headers::{request_headers, RequestHeaders};
use hookdesk_core::delivery::wire::render::{new_event_id, render_body, RenderInput};
use hookdesk_core::delivery::wire::response::interpret;
use hookdesk_core::domain::generate_whsec;
use hookdesk_core::domain::{HeaderName, HookAuth, HookSignature, KeySource, Secret};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::wire_receiver::{Captured, Reply, TestReceiver};

const TS: i64 = 1_767_225_600;

fn t(name: &str) -> EventType {
    EventType::parse("type", name).unwrap()
}

fn render(event: EventType, event_id: &str, data: &Value) -> Vec<u8> {
    render_body(
        event,
        &RenderInput {
            event_id,
            store_id: "store-12",
            merch_key: Some("7qwnw4j2kmqvrb3"),
            restaurant_id: Some("5f1b223c51e2d31e007b23d8"),
            occurred_at_ms: 1_617_808_466_000,
            data,
        },
    )
    .unwrap()
}

async fn send(url: &str, headers: &RequestHeaders, body: &[u8]) -> AttemptOutcome {
    let client = HttpClient::new().unwrap();
    client
        .send(Outgoing {
            url,
            headers: &headers.sent,
            body: body.to_vec(),
            timeout_ms: 5_000,
            allow_private: true,
        })
        .await
}

/// The headers every request carries, whatever the hook.
fn assert_common(c: &Captured, body: &[u8]) {
    assert_eq!(c.method, "POST");
    assert_eq!(c.body, body);
    assert_eq!(c.header("content-type"), Some("application/json"));
    assert_eq!(
        c.header("user-agent"),
        Some(format!("Hookdesk/{}", hookdesk_core::VERSION).as_str())
    );
    assert_eq!(
        c.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert!(c.header("location").is_none() && c.header("cookie").is_none());
}

/// Standard Webhooks verification written from the spec in Python's standard library, so our signer is not
/// checked against itself.
pub(crate) fn python_verifies(
    secret: &str,
    msg_id: &str,
    ts: &str,
    body: &[u8],
    signature: &str,
) -> bool {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(body).unwrap();
    let script = r#"
import base64, hashlib, hmac, sys
secret, msg_id, ts, path, header = sys.argv[1:6]
key = base64.b64decode(secret.split('_', 1)[1])
body = open(path, 'rb').read()
mac = hmac.new(key, msg_id.encode() + b'.' + ts.encode() + b'.' + body, hashlib.sha256).digest()
expected = 'v1,' + base64.b64encode(mac).decode()
ok = any(hmac.compare_digest(expected, part) for part in header.split(' '))
sys.exit(0 if ok else 1)
"#;
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            secret,
            msg_id,
            ts,
            file.path().to_str().unwrap(),
            signature,
        ])
        .status()
        .expect("python3 runs");
    status.success()
}

#[tokio::test]
async fn hub_check_goes_out_with_the_page_header() {
    let rx = TestReceiver::start(Reply::status(204)).await;
    let event = t("order.open");
    let id = new_event_id();
    let data = sample(event);
    let body = render(event, &id, &data);
    let auth = HookAuth::Header {
        name: HeaderName::parse("auth.name", "X-Partner-Key").unwrap(),
        value: Secret::new("partner-canary-31337"),
    };
    let headers = request_headers(&auth, &HookSignature::None, None, &id, TS, &body).unwrap();
    let out = send(&rx.url("/hub/open?site=12"), &headers, &body).await;

    assert_eq!(out.status, Some(204));
    assert!(out.error.is_none() && out.is_success(), "{out:?}");
    let c = rx.only();
    assert_eq!(c.path, "/hub/open?site=12");
    assert_common(&c, &body);
    assert_eq!(c.header("x-partner-key"), Some("partner-canary-31337"));
    assert_eq!(
        c.header_names(),
        [
            "accept",
            "content-length",
            "content-type",
            "host",
            "user-agent",
            "x-partner-key"
        ]
    );
    let v: Value = serde_json::from_slice(&c.body).unwrap();
    assert_eq!(v["event"], "order.open");
    assert_eq!(v["store"], "store-12");
    assert_eq!(v["check"], data);
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["event", "store", "check"]
    );
    // The log copy masks the credential.
    assert!(headers
        .masked
        .iter()
        .any(|(n, v)| n == "X-Partner-Key" && v == "••••1337"));
}

#[tokio::test]
async fn order_injection_sends_bearer_and_reads_the_answer() {
    let rx = TestReceiver::start(Reply::json(200, r#"{"online": true}"#)).await;
    let event = t("is_online");
    let id = new_event_id();
    let body = render(event, &id, &sample(event));
    let auth = HookAuth::Bearer {
        token: Secret::new("shared-bearer-canary-8080"),
    };
    let headers = request_headers(&auth, &HookSignature::None, None, &id, TS, &body).unwrap();
    let out = send(&rx.url("/pos"), &headers, &body).await;

    let c = rx.only();
    assert_common(&c, &body);
    assert_eq!(
        c.header("authorization"),
        Some("Bearer shared-bearer-canary-8080")
    );
    let v: Value = serde_json::from_slice(&c.body).unwrap();
    assert_eq!(v["action"], "is_online");
    assert_eq!(v["restaurant"], "5f1b223c51e2d31e007b23d8");
    assert_eq!(v["order"], "5f5009563f8cc37da3a02a2a");
    assert_eq!(v["order_data"]["id"], v["order"]);
    assert_eq!(
        interpret(event, out.status, &out.body),
        Some(json!({"online": true}))
    );

    // The same POS answering 500 reads as offline, and validate_order fails closed on a string "true".
    rx.set_reply(Reply::json(500, r#"{"online": true}"#));
    let out = send(&rx.url("/pos"), &headers, &body).await;
    assert_eq!(
        out.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::HttpStatus)
    );
    assert_eq!(
        interpret(event, out.status, &out.body),
        Some(json!({"online": false}))
    );
    rx.set_reply(Reply::json(200, r#"{"valid_order": "true"}"#));
    let out = send(&rx.url("/pos"), &headers, &body).await;
    assert_eq!(
        interpret(t("validate_order"), out.status, &out.body),
        Some(json!({"valid_order": false}))
    );
}

#[tokio::test]
async fn order_status_with_standard_webhooks_verifies_independently() {
    let rx = TestReceiver::start(Reply::status(200)).await;
    let event = t("rider-proof-delivery");
    let id = new_event_id();
    let data = sample(event);
    let body = render(event, &id, &data);
    let secret = generate_whsec();
    let auth = HookAuth::Authorization {
        value: Secret::new("Token rider-app-canary-2024"),
    };
    let sig = HookSignature::Standard {
        secret: secret.clone(),
    };
    let headers = request_headers(&auth, &sig, None, &id, TS, &body).unwrap();
    let out = send(&rx.url("/riders"), &headers, &body).await;
    assert!(out.is_success(), "{out:?}");

    let c = rx.only();
    assert_common(&c, &body);
    assert_eq!(
        c.header("authorization"),
        Some("Token rider-app-canary-2024")
    );
    assert_eq!(c.header("webhook-id"), Some(id.as_str()));
    assert_eq!(c.header("webhook-timestamp"), Some(TS.to_string().as_str()));
    let signature = c.header("webhook-signature").unwrap();
    assert!(python_verifies(
        secret.expose(),
        &id,
        &TS.to_string(),
        &c.body,
        signature
    ));
    // One flipped body byte must fail the same verification: the check above can fail.
    let mut tampered = c.body.clone();
    tampered[2] ^= 1;
    assert!(!python_verifies(
        secret.expose(),
        &id,
        &TS.to_string(),
        &tampered,
        signature
    ));

    let expected = format!(
        r#"{{"eventType":"rider-proof-delivery","storeId":"store-12","data":{{"orderId":"ORD-7F3K2Q","proofDelivery":"{}"}}}}"#,
        hookdesk_core::catalog::PROOF_PNG_BASE64
    );
    assert_eq!(String::from_utf8(c.body).unwrap(), expected);
}

#[tokio::test]
async fn merchant_event_matches_the_seed_and_its_x_signature() {
    let rx = TestReceiver::start(Reply::status(200)).await;
    let event = t("transaction.sale.success");
    let id = "c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd";
    let body = render(event, id, &sample(event));
    let auth = HookAuth::Basic {
        username: "merchant-12".into(),
        password: Secret::new("basic-canary-pass"),
    };
    let sig = HookSignature::XSignature {
        key_source: KeySource::SignatureKey,
        key: Secret::new("test_signature_key"),
    };
    let headers = request_headers(&auth, &sig, None, id, TS, &body).unwrap();
    let out = send(&rx.url("/merchant"), &headers, &body).await;
    assert!(out.is_success(), "{out:?}");

    let c = rx.only();
    assert_common(&c, &body);
    let example = concat!(
        r#"{"type":"event","event_triggered":"2021-04-07 15:14:26","event_type":"transaction.sale.success","#,
        r#""event_body":{"merchant":{"merch_key":"7qwnw4j2kmqvrb3"},"object":{"type":"transaction","#,
        r#""key":"1nftvzx7xtcggm3","amount_detail":{"amount":"5.00"},"authcode":"538228"}},"#,
        r#""event_id":"c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd"}"#
    );
    assert_eq!(c.body, example.as_bytes());
    assert_eq!(
        c.header("x-signature"),
        Some("411c77b86779f5f9287a7673a848c85f0ce84293841bf8ad1e07334ac898a8f5")
    );
    // Independent check of the received signature over the received bytes.
    let mut mac = Hmac::<Sha256>::new_from_slice(b"test_signature_key").unwrap();
    mac.update(&c.body);
    assert_eq!(
        c.header("x-signature").unwrap(),
        hex::encode(mac.finalize().into_bytes())
    );
    let basic = c
        .header("authorization")
        .unwrap()
        .strip_prefix("Basic ")
        .unwrap();
    assert_eq!(B64.decode(basic).unwrap(), b"merchant-12:basic-canary-pass");
    assert!(c.header("webhook-signature").is_none());
}

#[tokio::test]
async fn redirects_are_failures_and_not_followed() {
    let rx = TestReceiver::start(Reply::status(302)).await;
    rx.set_reply(Reply::status(302).with_header("location", &rx.url("/elsewhere")));
    let headers = request_headers(
        &HookAuth::None,
        &HookSignature::None,
        None,
        &new_event_id(),
        TS,
        b"{}",
    )
    .unwrap();
    let out = send(&rx.url("/first"), &headers, b"{}").await;
    assert_eq!(out.status, Some(302));
    assert!(!out.is_success());
    let err = out.error.unwrap();
    assert_eq!(err.kind, ErrorKind::Redirect);
    assert!(!err.message.contains("elsewhere"), "{}", err.message);
    let paths: Vec<String> = rx.captured().into_iter().map(|c| c.path).collect();
    assert_eq!(paths, ["/first"]);
}

#[tokio::test]
async fn large_responses_are_cut_at_64_kib() {
    let big: Vec<u8> = (0..300 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
    let rx = TestReceiver::start(Reply::status(200).with_body(big.clone())).await;
    let headers = request_headers(
        &HookAuth::None,
        &HookSignature::None,
        None,
        &new_event_id(),
        TS,
        b"{}",
    )
    .unwrap();
    let out = send(&rx.url("/big"), &headers, b"{}").await;
    assert_eq!(out.status, Some(200));
    assert_eq!(out.body.len(), MAX_RESPONSE_BODY);
    assert_eq!(out.body, big[..MAX_RESPONSE_BODY]);
    assert!(out.error.is_none(), "{:?}", out.error);
}

#[tokio::test]
async fn a_slow_receiver_times_out() {
    let rx = TestReceiver::start(Reply::status(200).after(Duration::from_secs(3))).await;
    let headers = request_headers(
        &HookAuth::None,
        &HookSignature::None,
        None,
        &new_event_id(),
        TS,
        b"{}",
    )
    .unwrap();
    let client = HttpClient::new().unwrap();
    let out = client
        .send(Outgoing {
            url: &rx.url("/slow"),
            headers: &headers.sent,
            body: b"{}".to_vec(),
            timeout_ms: 300,
            allow_private: true,
        })
        .await;
    assert_eq!(out.status, None);
    assert_eq!(
        out.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::Timeout),
        "{out:?}"
    );
    assert!((250..2500).contains(&out.latency_ms), "{}", out.latency_ms);
    assert_eq!(rx.captured().len(), 1);
}

#[tokio::test]
async fn retry_after_and_error_statuses_are_reported() {
    let rx = TestReceiver::start(Reply::status(429).with_header("retry-after", "120")).await;
    let headers = request_headers(
        &HookAuth::None,
        &HookSignature::None,
        None,
        &new_event_id(),
        TS,
        b"{}",
    )
    .unwrap();
    let out = send(&rx.url("/busy"), &headers, b"{}").await;
    assert_eq!(out.status, Some(429));
    assert_eq!(out.retry_after_secs, Some(120));
    assert_eq!(
        out.error.as_ref().map(|e| e.kind),
        Some(ErrorKind::HttpStatus)
    );
    assert!(out
        .response_headers
        .iter()
        .any(|(n, v)| n == "retry-after" && v == "120"));
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error_without_secrets_in_the_message() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let auth = HookAuth::Bearer {
        token: Secret::new("never-in-messages-4242"),
    };
    let headers = request_headers(
        &auth,
        &HookSignature::None,
        None,
        &new_event_id(),
        TS,
        b"{}",
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}/x?token=query-canary");
    let out = send(&url, &headers, b"{}").await;
    let err = out.error.unwrap();
    assert_eq!(err.kind, ErrorKind::Connect, "{}", err.message);
    assert!(
        !err.message.contains("canary") && !err.message.contains("never-in"),
        "{}",
        err.message
    );
}
