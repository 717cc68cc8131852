//! The request body an attempt sent, for the delivery log. Attempts keep only the body's SHA-256
//! (migration 0007, README Performance): a body is a pure function of its event and store
//! (`wire::render::render_body`), so the log renders it again and shows it as sent when the hash matches.

use sha2::{Digest, Sha256};

use crate::catalog::EventType;
use crate::delivery::wire::render::{render_body, RenderInput};
use crate::store::delivery_log::DeliveredEvent;
use crate::{Ctx, Error, Result};

/// The body the event renders to today, with the store as it is now.
pub(crate) fn render_now(ctx: &Ctx, ev: &DeliveredEvent) -> Result<Vec<u8>> {
    let event_type = EventType::parse("type", &ev.event_type)?;
    let data: serde_json::Value = serde_json::from_str(&ev.data)
        .map_err(|e| Error::Delivery(format!("stored event data: {e}")))?;
    let store = crate::config::stores::get_internal(ctx, &ev.store)?;
    render_body(
        event_type,
        &RenderInput {
            event_id: &ev.event_id,
            store_id: &ev.store,
            merch_key: store.merch_key.as_deref(),
            restaurant_id: store.restaurant_id.as_deref(),
            occurred_at_ms: ev.occurred_at,
            data: &data,
        },
    )
}

pub const CHANGED: &str = "The store's details changed after this attempt: this is the body as it \
                           would be sent now, which differs from the one sent.";

/// What the log shows for an attempt's body, and a note when that is not exactly what was sent.
/// `stored` is a body kept by attempts recorded before migration 0007.
pub(crate) fn shown(
    stored: Option<String>,
    sha256: Option<&[u8]>,
    rendered: Option<&Result<Vec<u8>>>,
) -> (String, Option<String>) {
    if let Some(body) = stored {
        return (body, None);
    }
    let (Some(sha), Some(rendered)) = (sha256, rendered) else {
        // No request was built (the hook was off, say): nothing was sent.
        return (String::new(), None);
    };
    match rendered {
        Ok(body) => {
            let text = String::from_utf8_lossy(body).into_owned();
            if Sha256::digest(body).as_slice() == sha {
                (text, None)
            } else {
                (text, Some(CHANGED.to_string()))
            }
        }
        Err(e) => (
            String::new(),
            Some(format!(
                "The body is not kept and cannot be rendered again: {}",
                e.to_payload().message
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matching_hash_shows_the_body_as_sent_and_a_different_one_says_so() {
        let body = br#"{"a":1}"#.to_vec();
        let sha = Sha256::digest(&body).to_vec();
        let ok: Result<Vec<u8>> = Ok(body.clone());
        assert_eq!(
            shown(None, Some(&sha), Some(&ok)),
            (r#"{"a":1}"#.to_string(), None)
        );
        let other: Result<Vec<u8>> = Ok(br#"{"a":2}"#.to_vec());
        let (text, note) = shown(None, Some(&sha), Some(&other));
        assert_eq!(
            (text.as_str(), note.as_deref()),
            (r#"{"a":2}"#, Some(CHANGED))
        );
        let gone: Result<Vec<u8>> = Err(Error::NotFound("store s".into()));
        let (text, note) = shown(None, Some(&sha), Some(&gone));
        assert!(text.is_empty() && note.unwrap().contains("store s not found"));
        assert_eq!(shown(None, None, Some(&ok)), (String::new(), None));
        assert_eq!(
            shown(Some("kept".into()), Some(&sha), Some(&other)),
            ("kept".to_string(), None)
        );
    }
}
