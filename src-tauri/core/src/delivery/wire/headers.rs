//! The headers of one attempt: what is sent, and a copy with every credential masked for the log.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use super::sign::{standard_signature_header, x_signature};
use crate::domain::{check_header_value, mask, HookAuth, HookSignature, Secret};
use crate::Result;

/// Request headers in sending order. `sent` carries credentials in clear and must never be logged;
/// `masked` is the same list with credential values masked, which is what attempts store and show.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestHeaders {
    pub sent: Vec<(String, String)>,
    pub masked: Vec<(String, String)>,
}

impl std::fmt::Debug for RequestHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestHeaders")
            .field("masked", &self.masked)
            .finish_non_exhaustive()
    }
}

impl RequestHeaders {
    fn public(&mut self, name: &str, value: String) {
        self.sent.push((name.to_string(), value.clone()));
        self.masked.push((name.to_string(), value));
    }

    fn secret(&mut self, name: &str, value: String, masked: String) {
        self.sent.push((name.to_string(), value));
        self.masked.push((name.to_string(), masked));
    }
}

/// Builds every header of an attempt (docs/wire-formats.md): content type, user agent, the hook's authentication and
/// its signature over exactly `body`. `ts_secs` is this attempt's time; `event_id` is stable across retries.
/// `previous` is a Standard Webhooks secret still in its rollover window: it signs beside the current one.
pub fn request_headers(
    auth: &HookAuth,
    signature: &HookSignature,
    previous: Option<&Secret>,
    event_id: &str,
    ts_secs: i64,
    body: &[u8],
) -> Result<RequestHeaders> {
    let mut h = RequestHeaders {
        sent: Vec::with_capacity(6),
        masked: Vec::with_capacity(6),
    };
    h.public("Content-Type", "application/json".into());
    h.public("User-Agent", format!("Hookdesk/{}", crate::VERSION));
    match auth {
        HookAuth::None => {}
        HookAuth::Header { name, value } => {
            check_header_value("auth.value", value.expose())?;
            h.secret(name.as_str(), value.expose().to_string(), value.mask());
        }
        HookAuth::Bearer { token } => {
            check_header_value("auth.token", token.expose())?;
            h.secret(
                "Authorization",
                format!("Bearer {}", token.expose()),
                format!("Bearer {}", token.mask()),
            );
        }
        HookAuth::Authorization { value } => {
            check_header_value("auth.value", value.expose())?;
            h.secret("Authorization", value.expose().to_string(), value.mask());
        }
        HookAuth::Basic { username, password } => {
            check_header_value("auth.username", username)?;
            check_header_value("auth.password", password.expose())?;
            let encoded = B64.encode(format!("{username}:{}", password.expose()));
            // The base64 form would reveal the password's tail, so the log shows the user and a mask.
            h.secret(
                "Authorization",
                format!("Basic {encoded}"),
                format!("Basic {username}:{}", mask(password.expose())),
            );
        }
    }
    match signature {
        HookSignature::None => {}
        // A signature is not a credential: it proves this body only, and operators compare it when debugging.
        HookSignature::XSignature { key, .. } => {
            h.public("X-Signature", x_signature(key.expose().as_bytes(), body))
        }
        HookSignature::Standard { secret } => {
            h.public("webhook-id", event_id.to_string());
            h.public("webhook-timestamp", ts_secs.to_string());
            let mut secrets = vec![secret.expose()];
            secrets.extend(previous.map(Secret::expose));
            h.public(
                "webhook-signature",
                standard_signature_header(&secrets, event_id, ts_secs, body)?,
            );
        }
    }
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{HeaderName, KeySource};

    const ID: &str = "c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd";

    fn get<'a>(list: &'a [(String, String)], name: &str) -> Option<&'a str> {
        list.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn every_request_has_content_type_and_user_agent() {
        let h = request_headers(&HookAuth::None, &HookSignature::None, None, ID, 1, b"{}").unwrap();
        assert_eq!(
            h.sent,
            vec![
                ("Content-Type".to_string(), "application/json".to_string()),
                (
                    "User-Agent".to_string(),
                    format!("Hookdesk/{}", crate::VERSION)
                ),
            ]
        );
        assert_eq!(h.sent, h.masked);
    }

    #[test]
    fn each_auth_kind_is_sent_and_masked() {
        let header = HookAuth::Header {
            name: HeaderName::parse("n", "X-Api-Key").unwrap(),
            value: Secret::new("hub_key_canary_9876"),
        };
        let h = request_headers(&header, &HookSignature::None, None, ID, 1, b"{}").unwrap();
        assert_eq!(get(&h.sent, "X-Api-Key"), Some("hub_key_canary_9876"));
        assert_eq!(get(&h.masked, "X-Api-Key"), Some("••••9876"));

        let bearer = HookAuth::Bearer {
            token: Secret::new("bearer_canary_token_5555"),
        };
        let h = request_headers(&bearer, &HookSignature::None, None, ID, 1, b"{}").unwrap();
        assert_eq!(
            get(&h.sent, "Authorization"),
            Some("Bearer bearer_canary_token_5555")
        );
        assert_eq!(get(&h.masked, "Authorization"), Some("Bearer ••••5555"));

        let verbatim = HookAuth::Authorization {
            value: Secret::new("Token abc-canary-4444"),
        };
        let h = request_headers(&verbatim, &HookSignature::None, None, ID, 1, b"{}").unwrap();
        assert_eq!(get(&h.sent, "Authorization"), Some("Token abc-canary-4444"));
        assert_eq!(get(&h.masked, "Authorization"), Some("••••4444"));

        let basic = HookAuth::Basic {
            username: "merchant".into(),
            password: Secret::new("pw-canary-1234567"),
        };
        let h = request_headers(&basic, &HookSignature::None, None, ID, 1, b"{}").unwrap();
        let expected = format!("Basic {}", B64.encode("merchant:pw-canary-1234567"));
        assert_eq!(get(&h.sent, "Authorization"), Some(expected.as_str()));
        assert_eq!(
            get(&h.masked, "Authorization"),
            Some("Basic merchant:••••4567")
        );
        let shown = format!("{h:?}");
        assert!(
            !shown.contains("canary") && !shown.contains(&expected),
            "{shown}"
        );
    }

    #[test]
    fn signatures_cover_the_exact_body() {
        let sig = HookSignature::XSignature {
            key_source: KeySource::SignatureKey,
            key: Secret::new("k1"),
        };
        let h = request_headers(&HookAuth::None, &sig, None, ID, 1, b"{\"a\":1}").unwrap();
        assert_eq!(
            get(&h.sent, "X-Signature"),
            Some(x_signature(b"k1", b"{\"a\":1}").as_str())
        );

        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let std_sig = HookSignature::Standard { secret };
        let h = request_headers(
            &HookAuth::None,
            &std_sig,
            None,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(
            get(&h.sent, "webhook-id"),
            Some("msg_p5jXN8AQM9LWM0D4loKWxJek")
        );
        assert_eq!(get(&h.sent, "webhook-timestamp"), Some("1614265330"));
        assert_eq!(
            get(&h.sent, "webhook-signature"),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
        let shown = format!("{h:?}");
        assert!(!shown.contains("MfKQ9r8G"), "{shown}");
    }

    #[test]
    fn values_that_could_split_a_header_are_refused() {
        let bad = HookAuth::Bearer {
            token: Secret::new("abc\r\nX-Evil: 1"),
        };
        let e = request_headers(&bad, &HookSignature::None, None, ID, 1, b"{}").unwrap_err();
        assert_eq!(e.field(), Some("auth.token"));
        assert!(!e.to_string().contains("Evil"));
    }
}
