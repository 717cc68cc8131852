use serde::Serialize;

use crate::{Error, Result};

/// A human name for a hook or a store: 1–100 characters once trimmed, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Label(String);

impl Label {
    pub fn parse(field: &str, s: &str) -> Result<Label> {
        let s = s.trim();
        if s.is_empty() {
            return Err(Error::invalid(field, "required"));
        }
        if s.chars().count() > 100 {
            return Err(Error::invalid(field, "at most 100 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(Error::invalid(
                field,
                "may not contain control characters or line breaks",
            ));
        }
        Ok(Label(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(
            Label::parse("label", "  Kitchen POS ").unwrap().as_str(),
            "Kitchen POS"
        );
        assert_eq!(
            Label::parse("label", "é".repeat(100).as_str())
                .unwrap()
                .as_str()
                .chars()
                .count(),
            100
        );
        for bad in ["", "   ", "a\nb", "tab\there", &"x".repeat(101)] {
            assert_eq!(
                Label::parse("label", bad).unwrap_err().field(),
                Some("label"),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn labels_with_a_control_character_are_refused(
            a in "[a-zA-Z ]{0,40}",
            c in "[\u{0}-\u{1f}\u{7f}-\u{9f}]",
            b in "[a-zA-Z ]{0,40}",
        ) {
            let s = format!("x{a}{c}{b}x");
            prop_assert!(Label::parse("label", &s).is_err());
        }

        #[test]
        fn long_labels_are_refused(s in "[a-z]{101,300}") {
            prop_assert!(Label::parse("label", &s).is_err());
        }

        #[test]
        fn accepted_labels_are_trimmed_and_short(s in "\\PC{0,120}") {
            if let Ok(l) = Label::parse("label", &s) {
                prop_assert_eq!(l.as_str(), s.trim());
                prop_assert!(!l.as_str().is_empty() && l.as_str().chars().count() <= 100);
            }
        }
    }
}
