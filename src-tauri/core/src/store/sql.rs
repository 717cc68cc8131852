//! The values that cross the storage seam: statement arguments and result rows, the same for every
//! backend. Integers are 64-bit everywhere (the PostgreSQL schema uses BIGINT where SQLite has INTEGER),
//! and flags are stored as 0/1 integers in both, so a statement's text can be shared.

use crate::store::DbError;

/// One argument or one column of a result row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// Anything that can be bound as a statement argument.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

macro_rules! int_to_value {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
        }
    )*};
}
int_to_value!(i64, i32, i16, u8, u16, u32);

impl ToValue for u64 {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for usize {
    fn to_value(&self) -> Value {
        Value::Int(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for std::borrow::Cow<'_, str> {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

/// Statement arguments, bound by position (`?1`, `?2`, … in the statement text).
#[macro_export]
macro_rules! args {
    () => { &[] as &[$crate::store::Value] };
    ($($v:expr),+ $(,)?) => {
        &[$($crate::store::ToValue::to_value(&$v)),+] as &[$crate::store::Value]
    };
}

/// PostgreSQL: `ANY` of the ids in a JSON array argument, e.g. `WHERE id = any_id!("?1")`. The
/// array is built once per execution, so the primary key is probed whatever plan the server cached
/// for the statement (README, Performance).
#[macro_export]
macro_rules! any_id {
    ($param:literal) => {
        concat!(
            "ANY(ARRAY(SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(",
            $param,
            " AS json))))"
        )
    };
}

/// PostgreSQL: for the rest of the transaction, plans read tables through their indexes. The
/// engine's batch statements touch a few rows each, found by key, in tables that keep growing; a plan
/// PostgreSQL caches for a prepared statement while a table is still small would otherwise scan the
/// whole table on every later run (docs/architecture.md, Storage backends).
#[macro_export]
macro_rules! by_key_only {
    () => {
        "SET LOCAL enable_seqscan = off"
    };
}

/// A list of rows, ids or keys as the one JSON argument of a batch statement (`json_each(?N)`,
/// `json_populate_recordset`). Lists of plain values and JSON values always serialize.
pub(crate) fn json_arg<T: serde::Serialize + ?Sized>(list: &T) -> String {
    serde_json::to_string(list).unwrap_or_default()
}

/// A result row, read by column position.
#[derive(Debug, Clone)]
pub struct Row(pub(crate) Vec<Value>);

impl Row {
    /// Column `i` as `T`. The first type parameter is the index type, so calls read `get::<_, T>(i)`.
    pub fn get<I: ColumnIndex, T: FromValue>(&self, i: I) -> crate::Result<T> {
        let i = i.index();
        let v = self
            .0
            .get(i)
            .ok_or_else(|| DbError::decode(format!("no column {i}")))?;
        T::from_value(v).map_err(|want| DbError::decode(format!("column {i}: {want}")).into())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A column position. Only `usize` implements it, so a plain `0` in `row.get(0)` is read as one.
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

/// A column value read as a Rust type; the error names what was expected.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Real(f) if f.fract() == 0.0 => Ok(*f as i64),
            // PostgreSQL answers some aggregates as text when asked to cast them; SQLite may store a
            // number typed in by hand as text.
            Value::Text(s) => s.trim().parse().map_err(|_| "expected an integer".into()),
            _ => Err("expected an integer".into()),
        }
    }
}

macro_rules! narrow_from_value {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Result<Self, String> {
                let i = i64::from_value(v)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range"))
            }
        }
    )*};
}
narrow_from_value!(i32, i16, u8, u16, u32, u64, usize);

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(i64::from_value(v)? != 0)
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Real(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            Value::Text(s) => s.trim().parse().map_err(|_| "expected a number".into()),
            _ => Err("expected a number".into()),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Text(s) => Ok(s.clone()),
            Value::Int(i) => Ok(i.to_string()),
            Value::Blob(b) => String::from_utf8(b.clone()).map_err(|_| "expected text".into()),
            _ => Err("expected text".into()),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            _ => Err("expected bytes".into()),
        }
    }
}

impl FromValue for Value {
    fn from_value(v: &Value) -> Result<Self, String> {
        Ok(v.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Result<Self, String> {
        match v {
            Value::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// Rewrites `?N` and bare `?` placeholders as PostgreSQL's `$N`, leaving quoted text alone.
pub fn to_dollar_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next_bare = 1;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push('$');
                if digits.is_empty() {
                    out.push_str(&next_bare.to_string());
                    next_bare += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_dollars_outside_quotes() {
        assert_eq!(
            to_dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?3'"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?3'"
        );
        assert_eq!(to_dollar_placeholders("VALUES (?, ?)"), "VALUES ($1, $2)");
    }

    #[test]
    fn rows_read_as_the_types_asked_for() {
        let row = Row(vec![
            Value::Int(7),
            Value::Null,
            Value::Text("x".into()),
            Value::Blob(vec![1]),
        ]);
        assert_eq!(row.get::<_, i64>(0usize).unwrap(), 7);
        assert!(row.get::<_, bool>(0usize).unwrap());
        assert_eq!(row.get::<_, Option<String>>(1usize).unwrap(), None);
        assert_eq!(row.get::<_, String>(2usize).unwrap(), "x");
        assert_eq!(row.get::<_, Vec<u8>>(3usize).unwrap(), vec![1]);
        assert!(row.get::<_, i64>(2usize).is_err());
        assert!(row.get::<_, i64>(9usize).is_err());
    }

    #[test]
    fn arguments_convert_from_plain_types() {
        let a = args![1i64, "s", Some(2u32), None::<String>, true];
        assert_eq!(
            a,
            &[
                Value::Int(1),
                Value::Text("s".into()),
                Value::Int(2),
                Value::Null,
                Value::Int(1)
            ]
        );
    }
}
