//! The delivery log as CSV: every delivery the filter matches, newest first, for a spreadsheet.

use serde::Serialize;

use super::{self as log, DeliveryView, Filter, MAX_PAGE};
use crate::auth::{Actor, Permission};
use crate::clock::rfc3339;
use crate::{Ctx, Result};

/// A spreadsheet opens far fewer rows comfortably; the export says when it stopped here.
pub const MAX_ROWS: usize = 100_000;

const HEADER: [&str; 12] = [
    "delivery_id",
    "event_id",
    "event_type",
    "store",
    "destination",
    "status",
    "attempts",
    "last_status_code",
    "last_error",
    "next_attempt_at",
    "created_at",
    "updated_at",
];

#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CsvExport {
    pub csv: String,
    pub rows: usize,
    /// More deliveries matched than `MAX_ROWS`; the newest ones are in the file.
    pub truncated: bool,
}

pub fn deliveries_csv(ctx: &Ctx, actor: &Actor, filter: &Filter) -> Result<CsvExport> {
    actor.require(Permission::ReadLogs)?;
    let mut out = line(HEADER.iter().map(|h| h.to_string()));
    let mut page = Filter {
        limit: Some(MAX_PAGE),
        ..filter.clone()
    };
    let mut rows = 0;
    loop {
        let got = log::list(ctx, actor, &page)?;
        let full = got.len() == MAX_PAGE;
        for d in got.iter().take(MAX_ROWS - rows) {
            out.push_str(&line(fields(d)));
            rows += 1;
            page.before_id = Some(d.id);
        }
        if !full || rows == MAX_ROWS {
            // Stopped at the cap: anything older than the last row written is left out.
            let truncated = rows == MAX_ROWS
                && !log::list(
                    ctx,
                    actor,
                    &Filter {
                        limit: Some(1),
                        ..page.clone()
                    },
                )?
                .is_empty();
            return Ok(CsvExport {
                csv: out,
                rows,
                truncated,
            });
        }
    }
}

fn fields(d: &DeliveryView) -> impl Iterator<Item = String> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    [
        d.id.to_string(),
        d.event_id.clone(),
        d.event_type.clone(),
        d.store.clone(),
        d.hook_label
            .clone()
            .unwrap_or_else(|| d.destination.clone()),
        d.status.as_str().to_string(),
        d.attempts.to_string(),
        opt(d.last_status_code.map(|c| c.to_string())),
        opt(d.last_error.clone()),
        opt(d.next_attempt_at.map(rfc3339)),
        rfc3339(d.created_at),
        rfc3339(d.updated_at),
    ]
    .into_iter()
}

fn line(cells: impl Iterator<Item = String>) -> String {
    let mut s = cells.map(|c| cell(&c)).collect::<Vec<_>>().join(",");
    s.push_str("\r\n");
    s
}

/// RFC 4180 quoting, and a leading apostrophe where a spreadsheet would read a formula: error texts
/// come from receivers, and labels from users.
pub fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell(""), "");
    }
}
