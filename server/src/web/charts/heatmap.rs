//! A heatmap: rows × columns of cells (organizations × challenges), each filled by its value
//! on the sequential scale and labelled with a short text, so the picture reads in greyscale
//! and the numbers are there without a legend. A cell with no value is left white.

use std::fmt::Write as _;

use super::{
    Canvas, Chart, Figure, Table, Unit, datum, escape,
    palette::{self, round},
    short,
};

/// The data of a heatmap.
#[derive(Debug, Clone)]
pub struct Heatmap {
    /// What the values measure (their colour: darker is less, lighter is more).
    pub unit: Unit,
    /// Row labels, top to bottom.
    pub rows: Vec<String>,
    /// Column labels, left to right.
    pub columns: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// What the scale's legend calls the value (`median time on it`).
    pub legend: String,
}

/// One cell.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Its value; `None` for no data (white).
    pub value: Option<f64>,
    /// What the cell says (`42m · 3/5 solved`); the table shows it too.
    pub text: String,
    /// More `data-*` attributes for the cell: `(name without "data-", value)`.
    pub data: Vec<(String, String)>,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 150.0;
const HEIGHT: f64 = 38.0;

/// Draws `heatmap`.
pub fn render(figure: &Figure, heatmap: &Heatmap) -> Chart {
    let columns = heatmap.columns.len().max(1);
    let cell_width = ((WIDTH - LEFT - 12.0) / columns as f64).min(160.0);
    let top = 12.0;
    let mut canvas = Canvas::new(WIDTH, 0.0);
    let max = heatmap
        .cells
        .iter()
        .flatten()
        .filter_map(|c| c.value)
        .fold(0.0, f64::max);
    // The legend: the scale in six steps from none to the largest value.
    canvas.text(12.0, top + 4.0, "start", &heatmap.legend, "");
    let legend_x = 20.0 + 6.5 * heatmap.legend.chars().count() as f64;
    for step in 0..6 {
        let t = f64::from(step) / 5.0;
        let _ = write!(
            canvas.body,
            r#"<rect x="{}" y="{}" width="30" height="12" fill="{}"/>"#,
            round(legend_x + f64::from(step) * 30.0),
            top - 6.0,
            palette::sequential(t)
        );
    }
    canvas.text(legend_x, top + 20.0, "start", &heatmap.unit.format(0.0), "");
    canvas.text(
        legend_x + 180.0,
        top + 20.0,
        "end",
        &heatmap.unit.format(max),
        "",
    );
    let header_y = top + 44.0;
    for (c, column) in heatmap.columns.iter().enumerate() {
        canvas.text(
            LEFT + (c as f64 + 0.5) * cell_width,
            header_y,
            "middle",
            &short(column, (cell_width / 7.0) as usize),
            r#" font-weight="600""#,
        );
    }
    let grid_top = header_y + 8.0;
    canvas.height = grid_top + HEIGHT * heatmap.rows.len().max(1) as f64 + 12.0;
    let mut rows = Vec::new();
    for (r, row) in heatmap.rows.iter().enumerate() {
        let y = grid_top + r as f64 * HEIGHT;
        canvas.text(
            LEFT - 8.0,
            y + HEIGHT / 2.0 + 4.0,
            "end",
            &short(row, 22),
            r#" font-weight="600""#,
        );
        let mut table_row = vec![row.clone()];
        for (c, column) in heatmap.columns.iter().enumerate() {
            let empty = Cell::default();
            let cell = heatmap
                .cells
                .get(r)
                .and_then(|cells| cells.get(c))
                .unwrap_or(&empty);
            let x = LEFT + c as f64 * cell_width;
            let t = match cell.value {
                Some(v) if max > 0.0 => v / max,
                _ => 0.0,
            };
            let (fill, ink) = match cell.value {
                Some(_) => (palette::sequential(t), palette::ink_on(t)),
                None => ("#ffffff".to_owned(), palette::INK),
            };
            let mut data = String::new();
            for (name, value) in &cell.data {
                let _ = write!(data, r#" data-{}="{}""#, escape(name), escape(value));
            }
            let value = cell.value.map(datum).unwrap_or_default();
            let text = if cell.text.is_empty() {
                "–"
            } else {
                cell.text.as_str()
            };
            let _ = write!(
                canvas.body,
                r##"<g class="mark" data-row="{}" data-column="{}" data-value="{value}"{data}><title>{}, {}: {}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#ffffff" stroke-width="2"/>"##,
                escape(row),
                escape(column),
                escape(row),
                escape(column),
                escape(text),
                round(x),
                round(y),
                round(cell_width),
                HEIGHT,
            );
            canvas.text(
                x + cell_width / 2.0,
                y + HEIGHT / 2.0 + 4.0,
                "middle",
                &short(text, (cell_width / 6.2) as usize),
                &format!(r#" fill="{ink}" font-size="11""#),
            );
            canvas.body.push_str("</g>");
            table_row.push(text.to_owned());
        }
        rows.push(table_row);
    }
    let mut head = vec![String::new()];
    head.extend(heatmap.columns.iter().cloned());
    canvas.finish(figure, "heatmap", &Table { head, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_their_data() {
        let chart = render(
            &Figure::new(
                "h",
                "By organization",
                "Time per organization and challenge.",
            ),
            &Heatmap {
                unit: Unit::Seconds,
                rows: vec!["Acme".into(), "Globex".into()],
                columns: vec!["ingest".into()],
                cells: vec![
                    vec![Cell {
                        value: Some(3600.0),
                        text: "1h 00m".into(),
                        data: vec![("lost-seconds".into(), "7200".into())],
                    }],
                    vec![Cell::default()],
                ],
                legend: "median time".into(),
            },
        );
        let html = chart.as_str();
        assert!(html.contains(
            r#"data-row="Acme" data-column="ingest" data-value="3600" data-lost-seconds="7200""#
        ));
        assert!(html.contains(r#"data-row="Globex" data-column="ingest" data-value="""#));
        assert_eq!(html.matches(r#"class="mark""#).count(), 2);
    }
}
