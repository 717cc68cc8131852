//! Request signatures: the merchant `X-Signature` and Standard Webhooks v1 (docs/wire-formats.md, Signatures).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Error, Result};

type HmacSha256 = Hmac<Sha256>;

const WHSEC_PREFIX: &str = "whsec_";

/// Lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the UTF-8 bytes of the merchant key.
pub fn x_signature(key: &[u8], body: &[u8]) -> String {
    hex::encode(hmac_sha256(key, &[body]))
}

/// `v1,<base64 HMAC-SHA256(secret, "{msg_id}.{ts}.{body}")>` where the key is the base64-decoded part of
/// the `whsec_` secret. The prefix is optional on input, as in the reference libraries.
pub fn standard_signature(whsec: &str, msg_id: &str, ts: i64, body: &[u8]) -> Result<String> {
    let key = decode_whsec(whsec)?;
    let ts = ts.to_string();
    let mac = hmac_sha256(&key, &[msg_id.as_bytes(), b".", ts.as_bytes(), b".", body]);
    Ok(format!("v1,{}", B64.encode(mac)))
}

/// The `webhook-signature` header for every secret that signs this request, current first, each
/// `v1,<sig>` and separated by a space, as the Standard Webhooks specification allows during a rollover.
pub fn standard_signature_header(
    secrets: &[&str],
    msg_id: &str,
    ts: i64,
    body: &[u8],
) -> Result<String> {
    let sigs = secrets
        .iter()
        .map(|s| standard_signature(s, msg_id, ts, body))
        .collect::<Result<Vec<_>>>()?;
    Ok(sigs.join(" "))
}

fn decode_whsec(whsec: &str) -> Result<Vec<u8>> {
    let encoded = whsec.strip_prefix(WHSEC_PREFIX).unwrap_or(whsec);
    match B64.decode(encoded) {
        Ok(key) if !key.is_empty() => Ok(key),
        _ => Err(Error::invalid(
            "signature.secret",
            "must be whsec_ followed by base64",
        )),
    }
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC takes keys of any length, so `new_from_slice` never fails; the fallback only satisfies the type.
    let mut mac = HmacSha256::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as Mac>::new(&Default::default()));
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::generate_whsec;

    /// The merchant reference example (docs/wire-formats.md) as compact JSON, keys in its order.
    pub(crate) const MERCHANT_EXAMPLE_COMPACT: &str = concat!(
        r#"{"type":"event","event_triggered":"2021-04-07 15:14:26","event_type":"transaction.sale.success","#,
        r#""event_body":{"merchant":{"merch_key":"7qwnw4j2kmqvrb3"},"object":{"type":"transaction","#,
        r#""key":"1nftvzx7xtcggm3","amount_detail":{"amount":"5.00"},"authcode":"538228"}},"#,
        r#""event_id":"c088bc2884a2c3b4043991b04d96ceda7c65043778233dedb26bfd5853705dfd"}"#
    );

    #[test]
    fn x_signature_known_answer() {
        assert_eq!(
            x_signature(b"test_signature_key", MERCHANT_EXAMPLE_COMPACT.as_bytes()),
            "411c77b86779f5f9287a7673a848c85f0ce84293841bf8ad1e07334ac898a8f5"
        );
    }

    #[test]
    fn x_signature_changes_with_every_body_byte() {
        let a = x_signature(b"k", b"{\"a\":1}");
        let b = x_signature(b"k", b"{\"a\":2}");
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    }

    #[test]
    fn standard_signature_known_answer() {
        let sig = standard_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /// Recomputes the signature straight from the spec with the hmac crate, not through our helper.
    #[test]
    fn standard_signature_matches_an_independent_computation() {
        let secret = generate_whsec();
        let body = br#"{"eventType":"order-accepted","storeId":"store-1","data":{"orderId":"A1"}}"#;
        let sig = standard_signature(secret.expose(), "abc", 1_700_000_000, body).unwrap();

        let raw = secret.expose().strip_prefix("whsec_").unwrap();
        let key = B64.decode(raw).unwrap();
        assert_eq!(key.len(), 32);
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
        mac.update(b"abc.1700000000.");
        mac.update(body);
        let expected = format!("v1,{}", B64.encode(mac.finalize().into_bytes()));
        assert_eq!(sig, expected);
    }

    #[test]
    fn a_rollover_header_carries_each_signature_current_first() {
        let (id, ts, body) = (
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        let old = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let new = generate_whsec();
        let header = standard_signature_header(&[new.expose(), old], id, ts, body).unwrap();
        let parts: Vec<&str> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            parts[0],
            standard_signature(new.expose(), id, ts, body).unwrap()
        );
        assert_eq!(parts[1], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(
            standard_signature_header(&[old], id, ts, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn bad_secrets_are_field_errors() {
        let e = standard_signature("whsec_!!!not base64", "id", 1, b"{}").unwrap_err();
        assert_eq!(e.field(), Some("signature.secret"));
        assert!(standard_signature("whsec_", "id", 1, b"{}").is_err());
    }
}
