use serde::Serialize;

use super::Label;
use crate::{Error, Result};

/// A store id: a slug (`store-12`), 1–64 of `a-z 0-9 - _`. It appears in payloads and URLs of receivers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(transparent)]
pub struct StoreId(String);

impl std::ops::Deref for StoreId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl StoreId {
    pub fn parse(field: &str, s: &str) -> Result<StoreId> {
        let s = s.trim();
        if s.is_empty() || s.len() > 64 {
            return Err(Error::invalid(field, "a store id has 1 to 64 characters"));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid(
                field,
                "a store id may contain only a-z, 0-9, - and _",
            ));
        }
        Ok(StoreId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The payment merchant key sent in merchant event envelopes: 1–64 ASCII letters and digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MerchKey(String);

impl std::ops::Deref for MerchKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl MerchKey {
    pub fn parse(field: &str, s: &str) -> Result<MerchKey> {
        let s = s.trim();
        if s.is_empty() || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::invalid(
                field,
                "a merchant key has 1 to 64 letters and digits",
            ));
        }
        Ok(MerchKey(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The restaurant id sent in order-injection envelopes: 24 hexadecimal characters, kept lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RestaurantId(String);

impl std::ops::Deref for RestaurantId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl RestaurantId {
    pub fn parse(field: &str, s: &str) -> Result<RestaurantId> {
        let s = s.trim();
        if s.len() != 24 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::invalid(
                field,
                "a restaurant id is 24 hexadecimal characters",
            ));
        }
        Ok(RestaurantId(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A restaurant or merchant location (docs/architecture.md, Stores, hooks and routing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Store {
    pub id: StoreId,
    pub name: Label,
    pub merch_key: Option<MerchKey>,
    pub restaurant_id: Option<RestaurantId>,
}

/// A store as typed by a user, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(optional_fields)]
pub struct StoreInput {
    pub id: String,
    pub name: String,
    pub merch_key: Option<String>,
    pub restaurant_id: Option<String>,
}

impl StoreInput {
    pub fn validate(&self) -> Result<Store> {
        let present = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Ok(Store {
            id: StoreId::parse("id", &self.id)?,
            name: Label::parse("name", &self.name)?,
            merch_key: present(&self.merch_key)
                .map(|k| MerchKey::parse("merchKey", &k))
                .transpose()?,
            restaurant_id: present(&self.restaurant_id)
                .map(|r| RestaurantId::parse("restaurantId", &r))
                .transpose()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn store_fields_are_checked_one_by_one() {
        let ok = StoreInput {
            id: "store-12".into(),
            name: "Main Street".into(),
            merch_key: Some("7qwnw4j2kmqvrb3".into()),
            restaurant_id: Some("5F1B223C51E2D31E007B23D8".into()),
        };
        let s = ok.validate().unwrap();
        assert_eq!(
            s.restaurant_id.unwrap().as_str(),
            "5f1b223c51e2d31e007b23d8"
        );
        let field = |f: fn(&mut StoreInput)| {
            let mut i = ok.clone();
            f(&mut i);
            i.validate().unwrap_err().field().map(str::to_string)
        };
        assert_eq!(field(|i| i.id = "Store 12".into()).as_deref(), Some("id"));
        assert_eq!(field(|i| i.name = "".into()).as_deref(), Some("name"));
        assert_eq!(
            field(|i| i.merch_key = Some("k-1".into())).as_deref(),
            Some("merchKey")
        );
        assert_eq!(
            field(|i| i.restaurant_id = Some("xyz".into())).as_deref(),
            Some("restaurantId")
        );
        let mut blank = ok.clone();
        blank.merch_key = Some(" ".into());
        assert!(blank.validate().unwrap().merch_key.is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn store_ids_outside_the_slug_alphabet_are_refused(
            a in "[a-z0-9]{0,20}", bad in "[^a-z0-9_\\- \t\n\r]", b in "[a-z0-9]{0,20}",
        ) {
            let s = format!("x{a}{bad}{b}x");
            prop_assert!(StoreId::parse("id", &s).is_err());
        }

        #[test]
        fn restaurant_ids_of_the_wrong_length_are_refused(s in "[0-9a-f]{0,23}|[0-9a-f]{25,40}") {
            prop_assert!(RestaurantId::parse("restaurantId", &s).is_err());
        }

        #[test]
        fn merch_keys_with_symbols_are_refused(a in "[a-z0-9]{0,20}", bad in "[^a-zA-Z0-9 \t\n\r]") {
            let s = format!("x{a}{bad}y");
            prop_assert!(MerchKey::parse("merchKey", &s).is_err());
        }
    }
}
