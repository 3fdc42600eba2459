//! A strip plot with boxes: one row per group (a challenge), one mark per item (a team) at
//! its value, spread a little up and down so marks do not hide each other, with the row's
//! interquartile range as a box and its median as a bar behind the marks. Each state (solved,
//! stopped) has its own colour and shape.

use std::fmt::Write as _;

use super::{
    Canvas, Chart, Figure, Table, Unit, datum, escape,
    palette::{self, round},
    scale::Linear,
    short,
};

/// The data of a strip plot.
#[derive(Debug, Clone)]
pub struct Strips {
    /// What the values measure.
    pub unit: Unit,
    /// The states a mark can have, in legend order (`solved`, `stopped`).
    pub states: Vec<String>,
    /// The rows, top to bottom.
    pub groups: Vec<StripGroup>,
}

/// One row.
#[derive(Debug, Clone)]
pub struct StripGroup {
    /// The row's label.
    pub label: String,
    /// Its marks.
    pub points: Vec<StripPoint>,
}

/// One mark.
#[derive(Debug, Clone)]
pub struct StripPoint {
    /// What it stands for (a team).
    pub label: String,
    /// Its value.
    pub value: f64,
    /// Index into [`Strips::states`].
    pub state: usize,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 24.0;
const ROW: f64 = 52.0;

/// The quartiles and median of sorted `values` (linear interpolation between ranks).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let position = q * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64)
}

/// Draws `strips`.
pub fn render(figure: &Figure, strips: &Strips) -> Chart {
    let mut canvas = Canvas::new(WIDTH, 0.0);
    let top = 12.0;
    let legend = canvas.legend(top, &strips.states, |i, x, y| {
        palette::shape(i).draw(x, y, 4.5, palette::category(i), "")
    });
    let plot_top = top + legend + 8.0;
    let plot_bottom = plot_top + ROW * strips.groups.len().max(1) as f64;
    canvas.height = plot_bottom + 30.0;
    let max = strips
        .groups
        .iter()
        .flat_map(|g| g.points.iter().map(|p| p.value))
        .fold(0.0, f64::max);
    let ticks = strips.unit.ticks(max, 6);
    let x = Linear::new(
        (0.0, ticks.last().copied().unwrap_or(1.0)),
        (LEFT, WIDTH - RIGHT),
    );
    for &tick in &ticks {
        let px = x.map(tick);
        canvas.line((px, plot_top), (px, plot_bottom), palette::GRID, "");
        canvas.text(
            px,
            plot_bottom + 16.0,
            "middle",
            &strips.unit.format(tick),
            r#" class="tick""#,
        );
    }
    let mut rows = Vec::new();
    for (g, group) in strips.groups.iter().enumerate() {
        let mid = plot_top + g as f64 * ROW + ROW / 2.0;
        canvas.text(
            LEFT - 8.0,
            mid + 4.0,
            "end",
            &short(&group.label, 22),
            r#" font-weight="600""#,
        );
        let mut values: Vec<f64> = group.points.iter().map(|p| p.value).collect();
        values.sort_by(f64::total_cmp);
        let (q1, median, q3) = (
            quantile(&values, 0.25),
            quantile(&values, 0.5),
            quantile(&values, 0.75),
        );
        if !values.is_empty() {
            let _ = write!(
                canvas.body,
                r#"<rect class="box" x="{}" y="{}" width="{}" height="{}" fill="{}" data-group="{}" data-q1="{}" data-median="{}" data-q3="{}"/>"#,
                round(x.map(q1)),
                round(mid - ROW * 0.38),
                round((x.map(q3) - x.map(q1)).max(1.0)),
                round(ROW * 0.76),
                palette::QUIET,
                escape(&group.label),
                datum(q1.round()),
                datum(median.round()),
                datum(q3.round()),
            );
            canvas.line(
                (x.map(median), mid - ROW * 0.42),
                (x.map(median), mid + ROW * 0.42),
                palette::INK,
                r#" stroke-width="2.5" class="median""#,
            );
        }
        for (i, point) in group.points.iter().enumerate() {
            // A fixed spread by position keeps the picture the same on every render.
            let offset = ((i * 7) % 9) as f64 - 4.0;
            let state = strips
                .states
                .get(point.state)
                .map(String::as_str)
                .unwrap_or_default();
            let attributes = format!(
                r#" class="mark" data-group="{}" data-label="{}" data-state="{}" data-value="{}""#,
                escape(&group.label),
                escape(&point.label),
                escape(state),
                datum(point.value)
            );
            // The mark's own tooltip: the team and its value.
            let tooltip = format!(
                "<title>{}: {} ({})</title>",
                escape(&point.label),
                escape(&strips.unit.format(point.value)),
                escape(state)
            );
            canvas.body.push_str(&palette::shape(point.state).draw_with(
                x.map(point.value),
                mid + offset * 3.6,
                4.0,
                palette::category(point.state),
                &attributes,
                &tooltip,
            ));
            rows.push(vec![
                group.label.clone(),
                point.label.clone(),
                state.to_owned(),
                strips.unit.format(point.value),
            ]);
        }
    }
    canvas.line(
        (LEFT, plot_top),
        (LEFT, plot_bottom),
        palette::INK,
        r#" class="axis""#,
    );
    let table = Table {
        head: vec![
            "Group".into(),
            "Item".into(),
            "State".into(),
            "Value".into(),
        ],
        rows,
    };
    canvas.finish(figure, "strip", &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_mark_per_point_with_its_state() {
        let chart = render(
            &Figure::new("s", "Time", "Time per team."),
            &Strips {
                unit: Unit::Seconds,
                states: vec!["solved".into(), "stopped".into()],
                groups: vec![StripGroup {
                    label: "ingest".into(),
                    points: vec![
                        StripPoint {
                            label: "Team <1>".into(),
                            value: 600.0,
                            state: 0,
                        },
                        StripPoint {
                            label: "Team 2".into(),
                            value: 1800.0,
                            state: 1,
                        },
                    ],
                }],
            },
        );
        let html = chart.as_str();
        assert_eq!(html.matches(r#"class="mark""#).count(), 2);
        assert!(
            html.contains(r#"data-label="Team &lt;1&gt;" data-state="solved" data-value="600""#)
        );
        assert!(html.contains(r#"data-state="stopped" data-value="1800">"#));
        assert!(html.contains(r#"data-median="1200""#));
        assert!(html.contains("</circle>") && html.contains("</path>"));
    }

    #[test]
    fn quartiles_interpolate() {
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[5.0], 0.25), 5.0);
    }
}
