//! Charts over time, with the moments that matter marked (start, freeze, end): lines (a
//! score race, drawn as steps, each line with its own colour, dash and end shape) and columns
//! (submissions per ten minutes). Time runs in seconds from the start of the event and is
//! written as elapsed time (`2h 00m`).

use std::fmt::Write as _;

use super::{
    Canvas, Chart, Figure, Table, Unit, datum, escape,
    palette::{self, round},
    scale::Linear,
};

/// Lines over time.
#[derive(Debug, Clone)]
pub struct Lines {
    /// What the y values measure.
    pub unit: Unit,
    /// Draw each line as steps (a value holds until the next point), as scores do.
    pub steps: bool,
    /// The lines, in legend order.
    pub series: Vec<Series>,
    /// The time axis.
    pub time: TimeAxis,
}

/// One line.
#[derive(Debug, Clone)]
pub struct Series {
    /// Its name (a team).
    pub name: String,
    /// `(seconds from the start, value)`, in time order.
    pub points: Vec<(f64, f64)>,
}

/// Columns over time: one per bin.
#[derive(Debug, Clone)]
pub struct Columns {
    /// What the values measure.
    pub unit: Unit,
    /// The width of a bin, in seconds.
    pub bin_seconds: f64,
    /// `(bin start in seconds from the start, value)`.
    pub bins: Vec<(f64, f64)>,
    /// The time axis.
    pub time: TimeAxis,
}

/// The time axis: how long it runs and what is marked on it.
#[derive(Debug, Clone)]
pub struct TimeAxis {
    /// The axis runs from 0 to this many seconds (the end of the event).
    pub until: f64,
    /// Moments marked with a vertical line: `(label, seconds from the start)`.
    pub markers: Vec<(String, f64)>,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
const PLOT: f64 = 260.0;

/// The frame every time chart shares: grid, axes, ticks, markers. Returns the x and y maps.
fn frame(canvas: &mut Canvas, top: f64, time: &TimeAxis, unit: Unit, max: f64) -> (Linear, Linear) {
    let bottom = top + PLOT;
    canvas.height = bottom + 34.0;
    let x_ticks = Unit::Seconds.ticks(time.until, 8);
    let x_max = x_ticks.last().copied().unwrap_or(1.0);
    let x = Linear::new((0.0, x_max), (LEFT, WIDTH - RIGHT));
    let y_ticks = unit.ticks(max, 5);
    let y = Linear::new((0.0, y_ticks.last().copied().unwrap_or(1.0)), (bottom, top));
    for &tick in &y_ticks {
        let py = y.map(tick);
        canvas.line((LEFT, py), (WIDTH - RIGHT, py), palette::GRID, "");
        canvas.text(
            LEFT - 6.0,
            py + 4.0,
            "end",
            &unit.format(tick),
            r#" class="tick""#,
        );
    }
    for &tick in &x_ticks {
        let px = x.map(tick);
        canvas.line((px, bottom), (px, bottom + 4.0), palette::INK, "");
        canvas.text(
            px,
            bottom + 17.0,
            "middle",
            &Unit::Seconds.format(tick),
            r#" class="tick""#,
        );
    }
    canvas.line(
        (LEFT, bottom),
        (WIDTH - RIGHT, bottom),
        palette::INK,
        r#" class="axis""#,
    );
    canvas.line(
        (LEFT, top),
        (LEFT, bottom),
        palette::INK,
        r#" class="axis""#,
    );
    (x, y)
}

/// The markers, drawn over the marks so they stay visible.
fn markers(canvas: &mut Canvas, top: f64, time: &TimeAxis, x: &Linear) {
    let bottom = top + PLOT;
    for (i, (label, at)) in time.markers.iter().enumerate() {
        let px = x.map(*at);
        let _ = write!(
            canvas.body,
            r#"<g class="marker" data-marker="{}" data-x="{}">"#,
            escape(label),
            datum(at.round())
        );
        canvas.line(
            (px, top - 4.0),
            (px, bottom),
            palette::INK,
            r#" stroke-width="1.5" stroke-dasharray="5 3""#,
        );
        // Labels alternate in height so that two close moments stay legible.
        let label_y = top - 8.0 - if i % 2 == 1 { 12.0 } else { 0.0 };
        canvas.text(px, label_y, "middle", label, r#" font-weight="600""#);
        canvas.body.push_str("</g>");
    }
}

/// Draws `lines`.
pub fn render_lines(figure: &Figure, lines: &Lines) -> Chart {
    let mut canvas = Canvas::new(WIDTH, 0.0);
    let names: Vec<String> = lines.series.iter().map(|s| s.name.clone()).collect();
    let legend = canvas.legend(12.0, &names, |i, x, y| {
        format!(
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="2.5" stroke-dasharray="{}"/>{}"#,
            round(x - 10.0),
            round(x + 10.0),
            palette::category(i),
            palette::dash(i),
            palette::shape(i).draw(x, y, 3.5, palette::category(i), "")
        )
    });
    let top = 12.0 + legend + 30.0;
    let max = lines
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max);
    let (x, y) = frame(&mut canvas, top, &lines.time, lines.unit, max);
    let mut rows = Vec::new();
    for (i, series) in lines.series.iter().enumerate() {
        let mut d = String::new();
        let mut previous: Option<(f64, f64)> = None;
        for &(t, v) in &series.points {
            let (px, py) = (round(x.map(t)), round(y.map(v)));
            match previous {
                None => {
                    let _ = write!(d, "M{px},{py}");
                }
                Some(_) if lines.steps => {
                    let _ = write!(d, " H{px} V{py}");
                }
                Some(_) => {
                    let _ = write!(d, " L{px},{py}");
                }
            }
            previous = Some((px, py));
        }
        if lines.steps
            && let Some((px, _)) = previous
        {
            // A score holds until the end of the axis.
            let end = round(x.map(lines.time.until)).max(px);
            let _ = write!(d, " H{end}");
        }
        let points: Vec<String> = series
            .points
            .iter()
            .map(|(t, v)| format!("{}:{}", datum(t.round()), datum(*v)))
            .collect();
        let last = series.points.last().map(|p| p.1).unwrap_or(0.0);
        let _ = write!(
            canvas.body,
            r#"<path class="mark" d="{d}" fill="none" stroke="{}" stroke-width="2.5" stroke-dasharray="{}" data-series="{}" data-points="{}" data-last="{}"><title>{}: {}</title></path>"#,
            palette::category(i),
            palette::dash(i),
            escape(&series.name),
            points.join(" "),
            datum(last),
            escape(&series.name),
            escape(&lines.unit.format(last)),
        );
        if let Some(&(t, v)) = series.points.last() {
            let end_x = if lines.steps {
                lines.time.until.max(t)
            } else {
                t
            };
            canvas.body.push_str(&palette::shape(i).draw(
                x.map(end_x),
                y.map(v),
                4.0,
                palette::category(i),
                "",
            ));
        }
        for (t, v) in &series.points {
            rows.push(vec![
                series.name.clone(),
                Unit::Seconds.format(*t),
                lines.unit.format(*v),
            ]);
        }
    }
    markers(&mut canvas, top, &lines.time, &x);
    let table = Table {
        head: vec!["Series".into(), "Time".into(), "Value".into()],
        rows,
    };
    canvas.finish(figure, "lines", &table)
}

/// Draws `columns`.
pub fn render_columns(figure: &Figure, columns: &Columns) -> Chart {
    let mut canvas = Canvas::new(WIDTH, 0.0);
    let top = 40.0;
    let max = columns.bins.iter().map(|b| b.1).fold(0.0, f64::max);
    let (x, y) = frame(&mut canvas, top, &columns.time, columns.unit, max);
    let mut rows = Vec::new();
    for &(start, value) in &columns.bins {
        let (x0, x1) = (x.map(start), x.map(start + columns.bin_seconds));
        let (y0, y1) = (y.map(value), y.map(0.0));
        let _ = write!(
            canvas.body,
            r#"<rect class="mark" x="{}" y="{}" width="{}" height="{}" fill="{}" data-x="{}" data-value="{}"><title>{}: {}</title></rect>"#,
            round(x0 + 0.5),
            round(y0),
            round((x1 - x0 - 1.0).max(0.5)),
            round((y1 - y0).max(0.0)),
            palette::category(0),
            datum(start.round()),
            datum(value),
            escape(&Unit::Seconds.format(start)),
            escape(&columns.unit.format(value)),
        );
        rows.push(vec![
            Unit::Seconds.format(start),
            columns.unit.format(value),
        ]);
    }
    markers(&mut canvas, top, &columns.time, &x);
    let table = Table {
        head: vec!["From".into(), "Value".into()],
        rows,
    };
    canvas.finish(figure, "columns", &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis() -> TimeAxis {
        TimeAxis {
            until: 7200.0,
            markers: vec![
                ("start".into(), 0.0),
                ("freeze".into(), 5400.0),
                ("end".into(), 7200.0),
            ],
        }
    }

    #[test]
    fn lines_carry_their_points_and_markers_their_moments() {
        let chart = render_lines(
            &Figure::new("race", "Race", "Scores over time."),
            &Lines {
                unit: Unit::Count,
                steps: true,
                series: vec![Series {
                    name: "Team 1".into(),
                    points: vec![(0.0, 0.0), (600.0, 100.0), (3000.0, 250.0)],
                }],
                time: axis(),
            },
        );
        let html = chart.as_str();
        assert!(html.contains(
            r#"data-series="Team 1" data-points="0:0 600:100 3000:250" data-last="250""#
        ));
        assert!(html.contains(r#"data-marker="freeze" data-x="5400""#));
    }

    #[test]
    fn columns_carry_their_bins() {
        let chart = render_columns(
            &Figure::new("subs", "Submissions", "Per ten minutes."),
            &Columns {
                unit: Unit::Count,
                bin_seconds: 600.0,
                bins: vec![(0.0, 3.0), (600.0, 12.0)],
                time: axis(),
            },
        );
        assert!(chart.as_str().contains(r#"data-x="600" data-value="12""#));
        assert_eq!(chart.as_str().matches(r#"class="mark""#).count(), 2);
    }
}
