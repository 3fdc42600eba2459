//! Horizontal bars, grouped: one group per row label (a challenge), one bar per series (a
//! stage of the funnel), each bar labelled with its value and series so that neither colour
//! nor a legend is needed to read it.

use std::fmt::Write as _;

use super::{
    Canvas, Chart, Figure, Table, Unit, datum, escape,
    palette::{self, round},
    scale::Linear,
    short,
};

/// The data of a bar chart.
#[derive(Debug, Clone)]
pub struct Bars {
    /// What the values measure.
    pub unit: Unit,
    /// The series, in the order each group draws them (top to bottom).
    pub series: Vec<String>,
    /// The groups, top to bottom.
    pub groups: Vec<BarGroup>,
}

/// One group of bars.
#[derive(Debug, Clone)]
pub struct BarGroup {
    /// The row's label.
    pub label: String,
    /// One value per series.
    pub values: Vec<f64>,
}

const WIDTH: f64 = 720.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 110.0;
const BAR: f64 = 14.0;
const GAP: f64 = 14.0;

/// Draws `bars`.
pub fn render(figure: &Figure, bars: &Bars) -> Chart {
    let n = bars.series.len().max(1);
    let group_height = n as f64 * (BAR + 2.0) + GAP;
    let top = 12.0;
    let mut canvas = Canvas::new(WIDTH, 0.0);
    let legend = canvas.legend(top, &bars.series, |i, x, y| {
        format!(
            r#"<rect x="{}" y="{}" width="14" height="10" fill="{}"/>"#,
            round(x - 7.0),
            round(y - 5.0),
            palette::category(i)
        )
    });
    let plot_top = top + legend + 8.0;
    let plot_bottom = plot_top + group_height * bars.groups.len().max(1) as f64;
    canvas.height = plot_bottom + 30.0;
    let max = bars
        .groups
        .iter()
        .flat_map(|g| g.values.iter().copied())
        .fold(0.0, f64::max);
    let ticks = bars.unit.ticks(max, 5);
    let domain_max = ticks.last().copied().unwrap_or(1.0);
    let x = Linear::new((0.0, domain_max), (LEFT, WIDTH - RIGHT));
    for &tick in &ticks {
        let px = x.map(tick);
        canvas.line((px, plot_top), (px, plot_bottom), palette::GRID, "");
        canvas.text(
            px,
            plot_bottom + 16.0,
            "middle",
            &bars.unit.format(tick),
            r#" class="tick""#,
        );
    }
    for (g, group) in bars.groups.iter().enumerate() {
        let gy = plot_top + g as f64 * group_height;
        canvas.text(
            LEFT - 8.0,
            gy + (group_height - GAP) / 2.0 + 4.0,
            "end",
            &short(&group.label, 22),
            r#" font-weight="600""#,
        );
        for (s, value) in group.values.iter().enumerate() {
            let y = gy + s as f64 * (BAR + 2.0);
            let end = x.map(*value);
            let series = bars.series.get(s).map(String::as_str).unwrap_or_default();
            let _ = write!(
                canvas.body,
                r#"<rect class="mark" x="{LEFT}" y="{}" width="{}" height="{BAR}" fill="{}" data-group="{}" data-series="{}" data-value="{}"><title>{}: {} {}</title></rect>"#,
                round(y),
                round((end - LEFT).max(0.0)),
                palette::category(s),
                escape(&group.label),
                escape(series),
                datum(*value),
                escape(&group.label),
                escape(&bars.unit.format(*value)),
                escape(series),
            );
            canvas.text(
                end + 4.0,
                y + BAR - 3.0,
                "start",
                &format!("{} {}", bars.unit.format(*value), series),
                r#" font-size="11""#,
            );
        }
    }
    canvas.line(
        (LEFT, plot_top),
        (LEFT, plot_bottom),
        palette::INK,
        r#" class="axis""#,
    );
    let mut head = vec![String::new()];
    head.extend(bars.series.iter().cloned());
    let table = Table {
        head,
        rows: bars
            .groups
            .iter()
            .map(|g| {
                let mut row = vec![g.label.clone()];
                row.extend(g.values.iter().map(|v| bars.unit.format(*v)));
                row
            })
            .collect(),
    };
    canvas.finish(figure, "bars", &table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bar_carries_its_datum() {
        let chart = render(
            &Figure::new("f", "Funnel", "Teams per stage."),
            &Bars {
                unit: Unit::Count,
                series: vec!["reached".into(), "solved".into()],
                groups: vec![
                    BarGroup {
                        label: "ingest".into(),
                        values: vec![12.0, 9.0],
                    },
                    BarGroup {
                        label: "A & B".into(),
                        values: vec![9.0, 0.0],
                    },
                ],
            },
        );
        let html = chart.as_str();
        assert_eq!(html.matches(r#"class="mark""#).count(), 4);
        assert!(html.contains(r#"data-group="ingest" data-series="solved" data-value="9""#));
        assert!(html.contains(r#"data-group="A &amp; B""#));
        assert!(html.contains(r#"aria-labelledby="f-title f-desc""#));
        assert!(html.contains("<details"));
    }
}
