//! The one palette every chart uses.
//!
//! - Categories (series, states) take the Okabe–Ito colours, chosen to stay apart under the
//!   common colour-vision deficiencies; each category also gets its own mark shape and line
//!   dash, so it survives greyscale printing too.
//! - Quantities (a heatmap's cells) take viridis from `colorous` (d3's scale-chromatic),
//!   whose lightness rises steadily from dark to light, so greyscale keeps the order.

/// The Okabe–Ito colours, in the order categories take them. Yellow comes last: it is the
/// weakest on white paper.
pub const CATEGORY: [&str; 8] = [
    "#0072B2", // blue
    "#E69F00", // orange
    "#009E73", // bluish green
    "#D55E00", // vermillion
    "#CC79A7", // reddish purple
    "#56B4E9", // sky blue
    "#000000", // black
    "#F0E442", // yellow
];

/// Line dashes, in the order categories take them (`""` is a solid line).
pub const DASHES: [&str; 5] = ["", "6 3", "2 3", "9 3 2 3", "4 2 4 6"];

/// Ink for text, axes and outlines.
pub const INK: &str = "#1a1a1a";
/// Grid lines and quiet marks.
pub const GRID: &str = "#d0d0d0";
/// Boxes behind marks (a strip plot's interquartile range).
pub const QUIET: &str = "#e8e8e8";

/// The colour of category `index` (cycling after eight).
pub fn category(index: usize) -> &'static str {
    CATEGORY[index % CATEGORY.len()]
}

/// The dash of category `index`: the colours cycle every eight, the dashes every five, so
/// the first forty categories differ in at least one of the two.
pub fn dash(index: usize) -> &'static str {
    DASHES[index % DASHES.len()]
}

/// The mark shape of category `index`.
pub fn shape(index: usize) -> Shape {
    const SHAPES: [Shape; 6] = [
        Shape::Circle,
        Shape::Triangle,
        Shape::Square,
        Shape::Diamond,
        Shape::Cross,
        Shape::Star,
    ];
    SHAPES[index % SHAPES.len()]
}

/// The colour of `t` in `0.0..=1.0` on the sequential scale (viridis: dark purple at 0,
/// yellow at 1), as `#rrggbb`.
pub fn sequential(t: f64) -> String {
    let colour = colorous::VIRIDIS.eval_continuous(t.clamp(0.0, 1.0));
    format!("#{colour:x}")
}

/// Text that reads on a cell filled with `sequential(t)`: white on the dark half.
pub fn ink_on(t: f64) -> &'static str {
    if t < 0.55 { "#ffffff" } else { INK }
}

/// A mark's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A filled circle.
    Circle,
    /// An open triangle.
    Triangle,
    /// A filled square.
    Square,
    /// An open diamond.
    Diamond,
    /// A cross (×).
    Cross,
    /// A filled star.
    Star,
}

impl Shape {
    /// The SVG element drawing this shape at `(x, y)` with radius `r` in `colour`, with
    /// `attributes` (already escaped, starting with a space) added to it.
    pub fn draw(self, x: f64, y: f64, r: f64, colour: &str, attributes: &str) -> String {
        self.draw_with(x, y, r, colour, attributes, "")
    }

    /// As [`Shape::draw`], with `inner` (escaped SVG, e.g. a `<title>` tooltip) inside.
    pub fn draw_with(
        self,
        x: f64,
        y: f64,
        r: f64,
        colour: &str,
        attributes: &str,
        inner: &str,
    ) -> String {
        let element = self.element(round(x), round(y), r, colour, attributes);
        if inner.is_empty() {
            return element;
        }
        let tag = match self {
            Shape::Circle => "circle",
            Shape::Square => "rect",
            Shape::Star => "polygon",
            Shape::Triangle | Shape::Diamond | Shape::Cross => "path",
        };
        let open = element.strip_suffix("/>").unwrap_or(&element);
        format!("{open}>{inner}</{tag}>")
    }

    fn element(self, x: f64, y: f64, r: f64, colour: &str, attributes: &str) -> String {
        match self {
            Shape::Circle => {
                format!(r#"<circle cx="{x}" cy="{y}" r="{r}" fill="{colour}"{attributes}/>"#)
            }
            Shape::Square => {
                let s = round(r * 1.7);
                format!(
                    r#"<rect x="{}" y="{}" width="{s}" height="{s}" fill="{colour}"{attributes}/>"#,
                    round(x - s / 2.0),
                    round(y - s / 2.0)
                )
            }
            Shape::Triangle => format!(
                r#"<path d="M{x},{} L{},{} L{},{} Z" fill="none" stroke="{colour}" stroke-width="1.6"{attributes}/>"#,
                round(y - r * 1.1),
                round(x + r),
                round(y + r * 0.8),
                round(x - r),
                round(y + r * 0.8)
            ),
            Shape::Diamond => format!(
                r#"<path d="M{x},{} L{},{y} L{x},{} L{},{y} Z" fill="none" stroke="{colour}" stroke-width="1.6"{attributes}/>"#,
                round(y - r * 1.2),
                round(x + r * 1.2),
                round(y + r * 1.2),
                round(x - r * 1.2)
            ),
            Shape::Cross => format!(
                r#"<path d="M{},{} L{},{} M{},{} L{},{}" stroke="{colour}" stroke-width="2"{attributes}/>"#,
                round(x - r),
                round(y - r),
                round(x + r),
                round(y + r),
                round(x - r),
                round(y + r),
                round(x + r),
                round(y - r)
            ),
            Shape::Star => {
                let points: Vec<String> = (0..10)
                    .map(|i| {
                        let angle =
                            std::f64::consts::PI * f64::from(i) / 5.0 - std::f64::consts::FRAC_PI_2;
                        let radius = if i % 2 == 0 { r * 1.3 } else { r * 0.55 };
                        format!(
                            "{},{}",
                            round(x + radius * angle.cos()),
                            round(y + radius * angle.sin())
                        )
                    })
                    .collect();
                format!(
                    r#"<polygon points="{}" fill="{colour}"{attributes}/>"#,
                    points.join(" ")
                )
            }
        }
    }
}

/// A coordinate rounded to a tenth of a pixel: smaller files, no visible difference.
pub fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequential_scale_runs_dark_to_light() {
        let luminance = |hex: &str| {
            let v = u32::from_str_radix(&hex[1..], 16).unwrap_or_default();
            let (r, g, b) = (v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff);
            0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b)
        };
        let steps: Vec<f64> = (0..=10)
            .map(|i| luminance(&sequential(f64::from(i) / 10.0)))
            .collect();
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
    }

    #[test]
    fn ten_categories_differ_in_colour_or_dash() {
        let styles: std::collections::HashSet<_> =
            (0..10).map(|i| (category(i), dash(i))).collect();
        assert_eq!(styles.len(), 10);
    }
}
