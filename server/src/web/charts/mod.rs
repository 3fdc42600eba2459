//! Charts drawn on the server as SVG: nothing needs a script to be seen, so a page that shows
//! them prints, works offline and can be saved as one file.
//!
//! Every chart is a `<figure>` holding:
//! - an `<svg role="img">` labelled (`aria-labelledby`) by its `<title>` and `<desc>`;
//! - the numbers behind it as an HTML table one step away, in a `<details>` below;
//! - on every mark, the data it stands for in `data-*` attributes, so tests compare data,
//!   not pixels.
//!
//! One palette ([`palette`]) serves every chart: Okabe–Ito colours for categories, each also
//! with its own shape and dash (greyscale printing, colour-vision deficiencies), and viridis
//! for quantities. Everything a chart needs to look right is in the SVG's own attributes: a
//! page may add no stylesheet at all (the optional `report.css` only lays out the figure and
//! its table), and the pages' Content-Security-Policy (no inline styles) is respected.
//!
//! # How to use it
//!
//! Build the data, give it a [`Figure`] (an id unique on the page, a title, a one-sentence
//! description of what the chart shows), and put the returned [`Chart`] into a template with
//! `{{ chart|safe }}` (it is escaped HTML already):
//!
//! ```ignore
//! use crate::web::charts::{self, Figure, Unit, bars::{Bars, BarGroup}};
//! let chart = charts::bars::render(
//!     &Figure::new("funnel", "The ladder funnel", "Teams that reached, attempted and solved each challenge."),
//!     &Bars {
//!         unit: Unit::Count,
//!         series: vec!["reached".into(), "solved".into()],
//!         groups: vec![BarGroup { label: "ingest".into(), values: vec![12.0, 9.0] }],
//!     },
//! );
//! ```
//!
//! The kinds, one module each:
//! - [`bars`]: horizontal bars, grouped (a funnel: one group per challenge, one bar per
//!   stage); marks carry `data-group`, `data-series`, `data-value`;
//! - [`strip`]: a strip plot with a box per row (one mark per team, its quartiles and median
//!   behind); marks carry `data-group`, `data-label`, `data-state`, `data-value`;
//! - [`heatmap`]: rows × columns of cells coloured by a quantity, with a text in each cell;
//!   cells carry `data-row`, `data-column`, `data-value` and any attributes the caller adds;
//! - [`lines`]: lines over time (a score race, as steps) or columns over time (submissions
//!   per ten minutes), both with vertical markers (start, freeze, end); a line carries
//!   `data-series` and `data-points` (`x:y` pairs, space-separated), a column `data-x` and
//!   `data-value`, a marker `data-marker` and `data-x`.
//!
//! [`scale`] holds the linear map, the "nice" ticks and how values are written ([`Unit`]).

pub mod bars;
pub mod heatmap;
pub mod lines;
pub mod palette;
pub mod scale;
pub mod strip;

use std::fmt::{self, Write as _};

pub use scale::Unit;

/// What every chart has.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Unique on the page: the `id` of the figure, prefix of its title's and description's.
    pub id: String,
    /// A short title, shown above the chart and read first by screen readers.
    pub title: String,
    /// What the chart shows, in a sentence or two, for screen readers.
    pub description: String,
}

impl Figure {
    /// A figure with these texts.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        description: impl Into<String>,
    ) -> Figure {
        Figure {
            id: id.into(),
            title: title.into(),
            description: description.into(),
        }
    }
}

/// A drawn chart: the `<figure>` with its SVG and its table, ready to insert unescaped.
#[derive(Debug, Clone, Default)]
pub struct Chart(String);

impl Chart {
    /// The HTML.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Chart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The numbers behind a chart, as a table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Escapes text for HTML and SVG content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as written in a `data-*` attribute: integers without a fraction.
pub(crate) fn datum(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// The canvas of a chart: its width, and an SVG body the kinds write into.
pub(crate) struct Canvas {
    pub width: f64,
    pub height: f64,
    pub body: String,
}

impl Canvas {
    pub fn new(width: f64, height: f64) -> Canvas {
        Canvas {
            width,
            height,
            body: String::new(),
        }
    }

    /// Text at `(x, y)`, anchored `start`, `middle` or `end`, with `extra` attributes.
    pub fn text(&mut self, x: f64, y: f64, anchor: &str, text: &str, extra: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{anchor}"{extra}>{}</text>"#,
            palette::round(x),
            palette::round(y),
            escape(text)
        );
    }

    /// A line from `(x1, y1)` to `(x2, y2)`.
    pub fn line(&mut self, from: (f64, f64), to: (f64, f64), stroke: &str, extra: &str) {
        let _ = write!(
            self.body,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}"{extra}/>"#,
            palette::round(from.0),
            palette::round(from.1),
            palette::round(to.0),
            palette::round(to.1)
        );
    }

    /// A legend row at the top: a swatch (drawn by `swatch` at the given centre) and a label
    /// per entry, wrapped to the width. Returns the height it took.
    pub fn legend(
        &mut self,
        y: f64,
        entries: &[String],
        swatch: impl Fn(usize, f64, f64) -> String,
    ) -> f64 {
        let (mut x, mut row) = (12.0, 0.0);
        for (i, label) in entries.iter().enumerate() {
            let width = 34.0 + 6.5 * label.chars().count() as f64;
            if x + width > self.width - 8.0 && x > 12.0 {
                x = 12.0;
                row += 18.0;
            }
            let cy = y + row;
            self.body.push_str(&swatch(i, x + 10.0, cy));
            self.text(x + 26.0, cy + 4.0, "start", label, "");
            x += width + 10.0;
        }
        row + 18.0
    }

    /// The whole figure: SVG with title and description, then the table.
    pub fn finish(self, figure: &Figure, kind: &str, table: &Table) -> Chart {
        let id = escape(&figure.id);
        let mut html = String::with_capacity(self.body.len() + 1024);
        let _ = write!(
            html,
            r#"<figure class="chart" id="{id}" data-chart="{kind}"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="12" fill="{ink}"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>"#,
            w = palette::round(self.width),
            h = palette::round(self.height),
            ink = palette::INK,
            title = escape(&figure.title),
            desc = escape(&figure.description),
            body = self.body,
        );
        let _ = write!(
            html,
            r#"<details class="chart-data"><summary>The numbers behind “{}”</summary><table><thead><tr>"#,
            escape(&figure.title)
        );
        for cell in &table.head {
            let _ = write!(html, r#"<th scope="col">{}</th>"#, escape(cell));
        }
        html.push_str("</tr></thead><tbody>");
        for row in &table.rows {
            html.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let tag = if i == 0 { "th scope=\"row\"" } else { "td" };
                let close = if i == 0 { "th" } else { "td" };
                let _ = write!(html, "<{tag}>{}</{close}>", escape(cell));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table></details></figure>");
        Chart(html)
    }
}

/// Truncates a label to `max` characters with an ellipsis (the full text stays in the table
/// and the mark's `data-*`).
pub(crate) fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let chart = Canvas::new(100.0, 50.0).finish(
            &Figure::new("c", "<b>", "d&d"),
            "bars",
            &Table {
                head: vec!["<th>".into()],
                rows: vec![vec!["<td>".into()]],
            },
        );
        assert!(!chart.as_str().contains("<b>"));
        assert!(chart.as_str().contains("&lt;td&gt;"));
    }
}
