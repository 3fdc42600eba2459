//! CSV helpers (cargo feature `csv`): a small RFC 4180 reader, no dependencies.
//!
//! Quoted fields (with `""` for a quote, commas and line breaks inside), CRLF or LF line ends,
//! a leading byte-order mark and a final newline are all accepted. The first row is the
//! header. Errors name the line, so the team can find the problem.

use crate::{Error, Result};
use std::fmt::Display;
use std::str::FromStr;

/// A parsed CSV file: a header and data rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column names, trimmed, as written in the header row.
    pub headers: Vec<String>,
    /// Data rows, each with as many fields as the header.
    pub rows: Vec<Row>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The 1-based line on which the row starts in the file.
    pub line: usize,
    /// The fields, in header order, as written (not trimmed).
    pub fields: Vec<String>,
}

/// A row seen through its table's header, to read fields by column name.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl Table {
    /// Parses comma-separated `text` whose first row is the header.
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with(text, ',')
    }

    /// Parses `text` with another single-character `delimiter` (e.g. `;` or `\t`).
    pub fn parse_with(text: &str, delimiter: char) -> Result<Self> {
        let mut rows =
            read_rows(text.strip_prefix('\u{feff}').unwrap_or(text), delimiter)?.into_iter();
        let Some(header) = rows.next() else {
            return Err(Error::new("is empty: expected a header row"));
        };
        let headers: Vec<String> = header.fields.iter().map(|h| h.trim().to_owned()).collect();
        let mut table = Self {
            headers,
            rows: Vec::new(),
        };
        for row in rows {
            if row.fields.len() != table.headers.len() {
                return Err(Error::new(format!(
                    "line {} has {} fields but the header has {}{}",
                    row.line,
                    row.fields.len(),
                    table.headers.len(),
                    if row.fields.len() == 1 && delimiter == ',' {
                        " (is it comma-separated?)"
                    } else {
                        ""
                    }
                )));
            }
            table.rows.push(row);
        }
        Ok(table)
    }

    /// The index of the column named `name`, if present.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Succeeds when every column in `names` is present; the error lists the missing ones and
    /// what the header has.
    pub fn require_columns(&self, names: &[&str]) -> Result<()> {
        let missing: Vec<String> = names
            .iter()
            .filter(|n| self.column(n).is_none())
            .map(|n| format!("`{n}`"))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::new(format!(
            "missing column{} {}; the header is `{}`",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            self.headers.join(",")
        )))
    }

    /// The rows, readable by column name.
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        self.rows.iter().map(move |row| Record { table: self, row })
    }

    /// The number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl<'a> Record<'a> {
    /// The 1-based line the row starts on.
    pub fn line(&self) -> usize {
        self.row.line
    }

    /// The raw fields.
    pub fn fields(&self) -> &'a [String] {
        &self.row.fields
    }

    /// The field in column `name`, trimmed; `None` if there is no such column.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.table.column(name).map(|i| self.row.fields[i].trim())
    }

    /// The field in column `name`, trimmed; an error naming the line if the column is absent.
    pub fn require(&self, name: &str) -> Result<&'a str> {
        self.get(name)
            .ok_or_else(|| Error::new(format!("line {}: no column `{name}`", self.row.line)))
    }

    /// The field in column `name` parsed as `T`; the error names the line, the column and the
    /// value.
    pub fn parse<T>(&self, name: &str) -> Result<T>
    where
        T: FromStr,
        T::Err: Display,
    {
        let raw = self.require(name)?;
        raw.parse().map_err(|e| {
            Error::new(format!(
                "line {}: column `{name}`: `{raw}`: {e}",
                self.row.line
            ))
        })
    }
}

/// Splits `text` into rows of fields, honouring quotes.
fn read_rows(text: &str, delimiter: char) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = 1;
    let mut row_line = 1;
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut quote_line = 0;
    // Whether the current row has any content, so blank lines are skipped.
    let mut row_started = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                quote_line = line;
                row_started = true;
            }
            c if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                row_started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if row_started || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    rows.push(Row {
                        line: row_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                row_started = false;
                line += 1;
                row_line = line;
            }
            _ => {
                field.push(c);
                row_started = true;
            }
        }
    }
    if in_quotes {
        return Err(Error::new(format!(
            "line {quote_line}: a quoted field is never closed"
        )));
    }
    if row_started || !field.is_empty() {
        fields.push(field);
        rows.push(Row {
            line: row_line,
            fields,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_crlf_and_bom() {
        let t = Table::parse("\u{feff}id,name,note\r\n1,\"Smith, J\",\"say \"\"hi\"\"\"\r\n\r\n2,Lee,\"two\nlines\"\r\n3,,x").unwrap();
        assert_eq!(t.headers, ["id", "name", "note"]);
        assert_eq!(t.len(), 3);
        let r: Vec<Record<'_>> = t.records().collect();
        assert_eq!(r[0].get("name"), Some("Smith, J"));
        assert_eq!(r[0].get("note"), Some("say \"hi\""));
        assert_eq!(r[1].get("note"), Some("two\nlines"));
        assert_eq!(r[1].line(), 4);
        assert_eq!(r[2].line(), 6);
        assert_eq!(r[2].get("name"), Some(""));
        assert_eq!(r[2].parse::<u32>("id"), Ok(3));
    }

    #[test]
    fn errors_name_the_line() {
        let t = Table::parse("a,b\n1,2\nx,y\n").unwrap();
        let err = t
            .records()
            .nth(1)
            .map(|r| r.parse::<u32>("a"))
            .unwrap()
            .unwrap_err();
        assert!(
            err.message().starts_with("line 3: column `a`: `x`"),
            "{err}"
        );
        let err = Table::parse("a,b\n1,2,3\n").unwrap_err();
        assert_eq!(err.message(), "line 2 has 3 fields but the header has 2");
        let err = Table::parse("a;b\n1;2\n")
            .map(|t| t.require_columns(&["a", "b"]))
            .unwrap()
            .unwrap_err();
        assert!(err.message().contains("missing columns `a`, `b`"), "{err}");
        let err = Table::parse("a,b\n\"1,2\n").unwrap_err();
        assert_eq!(err.message(), "line 2: a quoted field is never closed");
        assert!(Table::parse("").is_err());
    }

    #[test]
    fn other_delimiters() {
        let t = Table::parse_with("a;b\n1;2\n", ';').unwrap();
        assert_eq!(t.records().next().and_then(|r| r.get("b")), Some("2"));
    }
}
