//! Reading an export file: the trailer's digest and counts, the header, then each row parsed
//! with its line number. Nothing here trusts what a row says; that is [`super::vet`]'s job.

use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::export::{
    FORMAT, OLDEST_VERSION, VERSION,
    error::{ImportError, Refusal},
    rows::{Row, TABLES},
};

/// The largest binary column a portal stores: validators and submitted files are capped at
/// 64 MiB whatever the configuration (`cohack_runtime::Limits::server_max`; a unit test keeps
/// the two in step).
const MAX_BINARY_BYTES: usize = 64 << 20;

/// The longest line accepted: the largest binary column as base64 (4 bytes per 3), plus 1 MiB
/// for the other columns. Anything longer is not something an export writes.
pub const MAX_LINE_BYTES: usize = MAX_BINARY_BYTES.div_ceil(3) * 4 + (1 << 20);

/// A row and the line it was read from.
#[derive(Debug, Clone)]
pub struct Numbered {
    /// The line's number, the header being line 1.
    pub line: usize,
    /// The row.
    pub row: Row,
}

/// A file that is complete, unaltered since export, and made of well-formed rows.
#[derive(Debug)]
pub struct Parsed {
    /// The header's `event`: the slug of the event the file creates.
    pub slug: String,
    /// The rows, in file order.
    pub rows: Vec<Numbered>,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
    event: String,
}

#[derive(Deserialize)]
struct Trailer {
    rows: usize,
    counts: BTreeMap<String, usize>,
    sha256: String,
}

#[derive(Deserialize)]
struct TrailerLine {
    trailer: Trailer,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowLine {
    table: String,
    row: serde_json::Value,
}

fn refused(line: usize, refusal: Refusal) -> ImportError {
    ImportError::Refused {
        line,
        table: "file",
        refusal,
    }
}

fn bounded(line: usize, text: &str) -> Result<(), ImportError> {
    if text.len() > MAX_LINE_BYTES {
        return Err(refused(
            line,
            Refusal::TooLong {
                bytes: text.len(),
                max: MAX_LINE_BYTES,
            },
        ));
    }
    Ok(())
}

/// Checks the file whole and parses it: the trailer, the header, the rows.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ImportError> {
    let Some(body) = bytes.strip_suffix(b"\n") else {
        return Err(ImportError::Truncated(
            "it does not end with a complete line".into(),
        ));
    };
    let trailer_start = body.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let trailer: TrailerLine = serde_json::from_slice(&body[trailer_start..]).map_err(|_| {
        ImportError::Truncated("its last line is not the trailer (counts and sha256)".into())
    })?;
    let trailer = trailer.trailer;
    let content = &bytes[..trailer_start];
    let digest = hex::encode(Sha256::digest(content));
    if digest != trailer.sha256 {
        return Err(ImportError::Tampered(format!(
            "sha256 of the content is {digest}, the trailer says {}",
            trailer.sha256
        )));
    }
    let text = std::str::from_utf8(content)
        .map_err(|_| ImportError::Format("the content is not UTF-8".into()))?;
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    bounded(1, first)?;
    let header: Header = serde_json::from_str(first)
        .map_err(|_| ImportError::Format("the first line is not an export header".into()))?;
    if header.format != FORMAT {
        return Err(ImportError::Format(format!("format {:?}", header.format)));
    }
    if !(OLDEST_VERSION..=VERSION).contains(&header.version) {
        return Err(ImportError::Format(format!(
            "version {} (this cohack reads versions {OLDEST_VERSION} to {VERSION})",
            header.version
        )));
    }
    let mut rows = Vec::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (line, text) in (2..).zip(lines) {
        bounded(line, text)?;
        let parsed: RowLine = serde_json::from_str(text)
            .map_err(|e| refused(line, Refusal::Malformed(e.to_string())))?;
        let row = Row::from_json(&parsed.table, parsed.row).map_err(|e| {
            let table = TABLES.iter().find(|t| **t == parsed.table);
            ImportError::Refused {
                line,
                table: table.copied().unwrap_or("file"),
                refusal: Refusal::Malformed(e),
            }
        })?;
        *counts.entry(parsed.table).or_default() += 1;
        rows.push(Numbered { line, row });
    }
    let expected: BTreeMap<String, usize> =
        trailer.counts.into_iter().filter(|(_, n)| *n > 0).collect();
    if rows.len() != trailer.rows || counts != expected {
        return Err(ImportError::Tampered(format!(
            "{} rows found, the trailer says {}",
            rows.len(),
            trailer.rows
        )));
    }
    Ok(Parsed {
        slug: header.event,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_bound_fits_the_largest_binary_a_portal_accepts() {
        let max = cohack_runtime::Limits::server_max();
        assert!(max.max_module_bytes <= MAX_BINARY_BYTES);
        assert!(max.max_submission_bytes <= MAX_BINARY_BYTES);
    }
}
