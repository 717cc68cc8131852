//! Statements are written once, in the dialect both backends share; the few spellings that differ are
//! written SQLite's way and turned into PostgreSQL's here, before a statement is prepared.
//! SQLite's planner hints (`INDEXED BY`) mean nothing to PostgreSQL and are dropped.

use crate::store::sql::to_dollar_placeholders;

/// The PostgreSQL text of a statement.
pub fn translate(sql: &str) -> String {
    let mut s = to_dollar_placeholders(sql);
    s = drop_indexed_by(&s);
    s = rewrite_calls(&s, "json_each(", |arg| {
        format!("json_array_elements_text(CAST({arg} AS json))")
    });
    s = rewrite_calls(&s, "json_extract(", |args| match args.split_once(", '$.") {
        Some((doc, key)) => format!("(CAST({doc} AS json) ->> '{}')", key.trim_end_matches('\'')),
        None => format!("json_extract({args})"),
    });
    s = rewrite_calls(&s, "IFNULL(", |args| format!("COALESCE({args})"));
    s = rewrite_calls(&s, "hex(", |arg| format!("upper(encode({arg}, 'hex'))"));
    s.replace(" IS NOT $", " IS DISTINCT FROM $")
}

fn drop_indexed_by(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find("INDEXED BY ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "INDEXED BY ".len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces every `name(args)` (balanced parentheses) with `f(args)`.
fn rewrite_calls(sql: &str, name: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut rest = sql;
    while let Some(at) = rest.find(name) {
        out.push_str(&rest[..at]);
        let inner = &rest[at + name.len()..];
        let mut depth = 1;
        let mut end = None;
        for (i, c) in inner.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(i);
                        break;
                    }
                }
                _ => {}
            }
        }
        match end {
            Some(i) => {
                out.push_str(&f(&inner[..i]));
                rest = &inner[i + 1..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::translate;

    #[test]
    fn sqlite_spellings_become_postgresql_ones() {
        assert_eq!(
            translate("SELECT d.id FROM deliveries d INDEXED BY deliveries_open WHERE d.dest = ?1"),
            "SELECT d.id FROM deliveries d  WHERE d.dest = $1"
        );
        assert_eq!(
            translate("x IN (SELECT value FROM json_each(?2))"),
            "x IN (SELECT value FROM json_array_elements_text(CAST($2 AS json)))"
        );
        assert_eq!(
            translate("SELECT json_extract(a.detail, '$.reason') FROM a"),
            "SELECT (CAST(a.detail AS json) ->> 'reason') FROM a"
        );
        assert_eq!(translate("IFNULL(a, 'b')"), "COALESCE(a, 'b')");
        assert_eq!(
            translate("WHERE token_hash IS NOT ?2"),
            "WHERE token_hash IS DISTINCT FROM $2"
        );
    }
}
