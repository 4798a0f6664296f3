//! Geometry of the indicator chart (target path against actuals), in plain Rust so it is
//! tested natively; the panel only draws what this returns as SVG.

use crate::plan::IndicatorResult;

/// A point of the chart in SVG coordinates, with the year and value it stands for.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub year: i32,
    pub label: String,
}

/// Everything the SVG needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// The target path: the base, then every yearly target.
    pub path: Vec<Point>,
    pub actuals: Vec<Point>,
    /// Gridlines: (y, label).
    pub y_ticks: Vec<(f64, String)>,
    /// Year labels: (x, year).
    pub x_ticks: Vec<(f64, i32)>,
}

const PAD_LEFT: f64 = 48.0;
const PAD_RIGHT: f64 = 12.0;
const PAD_TOP: f64 = 10.0;
const PAD_BOTTOM: f64 = 22.0;

impl Chart {
    /// The `points` attribute of the path's polyline.
    pub fn polyline(&self) -> String {
        self.path
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The chart of an indicator, or `None` when it has nothing numeric to draw.
pub fn chart(result: &IndicatorResult, width: f64, height: f64) -> Option<Chart> {
    let mut path: Vec<(i32, f64, String)> = Vec::new();
    if let (Some(y), Some(b)) = (result.base_year, result.base) {
        path.push((y, b, crate::plan::round::shown(b, result.decimals)));
    }
    path.extend(result.yearly.iter().map(|(y, t)| (*y, t.value, t.shown())));
    let actuals: Vec<(i32, f64, String)> = result
        .actual
        .iter()
        .map(|(y, a)| (*y, *a, crate::plan::round::shown(*a, result.decimals)))
        .collect();
    let all = || path.iter().chain(&actuals);
    let (x0, x1) = (all().map(|p| p.0).min()?, all().map(|p| p.0).max()?);
    let lo = all().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let hi = all().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() || !hi.is_finite() {
        return None;
    }
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    let (lo, hi) = (lo - span * 0.1, hi + span * 0.1);
    let sx = |year: i32| {
        let years = f64::from((x1 - x0).max(1));
        PAD_LEFT + f64::from(year - x0) / years * (width - PAD_LEFT - PAD_RIGHT)
    };
    let sy = |v: f64| PAD_TOP + (hi - v) / (hi - lo) * (height - PAD_TOP - PAD_BOTTOM);
    let point = |(year, v, label): &(i32, f64, String)| Point {
        x: sx(*year),
        y: sy(*v),
        year: *year,
        label: label.clone(),
    };
    let y_ticks = (0..=3)
        .map(|i| {
            let v = lo + (hi - lo) * f64::from(i) / 3.0;
            (sy(v), crate::plan::round::shown(v, result.decimals.min(2)))
        })
        .collect();
    Some(Chart {
        width,
        height,
        path: path.iter().map(point).collect(),
        actuals: actuals.iter().map(point).collect(),
        y_ticks,
        x_ticks: (x0..=x1).map(|y| (sx(y), y)).collect(),
    })
}

/// One bar of the unit score chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub y: f64,
    pub width: f64,
    pub label: String,
    pub shown: String,
}

/// The unit score chart: bars from the axis floor (near the lowest score, never 0 unless a
/// score is that low) to each score, so that 87 and 100 look different, with ticks and the
/// 100 line.
#[derive(Clone, Debug, PartialEq)]
pub struct ScoreBars {
    pub height: f64,
    /// Where the bars start (x) and how wide 100 is.
    pub left: f64,
    pub span: f64,
    pub bars: Vec<Bar>,
    /// Axis ticks: (x, label).
    pub ticks: Vec<(f64, String)>,
}

/// Bar height and gap of the unit score chart.
const BAR_H: f64 = 18.0;
const BAR_GAP: f64 = 4.0;

impl ScoreBars {
    /// The chart of `units` (name, score, score as shown), `span` pixels wide from `left`.
    pub fn new(units: &[(String, f64, String)], left: f64, span: f64) -> Self {
        let floor = crate::plan::score::axis_floor(units.iter().map(|u| u.1));
        let scale = |v: f64| ((v - floor) / (100.0 - floor)).clamp(0.0, 1.0) * span;
        let bars = units
            .iter()
            .enumerate()
            .map(|(i, (label, v, shown))| Bar {
                y: BAR_GAP + i as f64 * (BAR_H + BAR_GAP),
                width: scale(*v),
                label: label.clone(),
                shown: shown.clone(),
            })
            .collect();
        let step = if 100.0 - floor > 50.0 { 25.0 } else { 5.0 };
        let mut ticks = Vec::new();
        let mut t = floor;
        while t <= 100.0 + 1e-9 {
            ticks.push((left + scale(t), format!("{t:.0}")));
            t += step;
        }
        Self {
            height: units.len() as f64 * (BAR_H + BAR_GAP) + BAR_GAP + 16.0,
            left,
            span,
            bars,
            ticks,
        }
    }

    /// The height of one bar.
    pub fn bar_height(&self) -> f64 {
        BAR_H
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{compute, value::parse_text, Indicator, Options, Plan};

    #[test]
    fn path_runs_from_base_to_target_left_to_right_and_upwards() {
        let ind = Indicator {
            base: parse_text("100"),
            base_year: Some(2020),
            target: parse_text("200"),
            target_year: Some(2025),
            ..Indicator::default()
        };
        let plan = Plan {
            years: (2021..=2025).collect(),
            indicators: vec![ind],
            ..Plan::default()
        };
        let results = compute(&plan, &Options::default());
        let c = chart(&results.indicators[0], 300.0, 150.0).expect("chart");
        assert_eq!(c.path.len(), 6);
        assert_eq!(c.path[0].x, PAD_LEFT);
        assert_eq!(c.path[5].x, 300.0 - PAD_RIGHT);
        // SVG y grows downwards: a rising path has falling y.
        assert!(c.path.windows(2).all(|w| w[1].y < w[0].y));
        assert_eq!(c.x_ticks.len(), 6);
    }

    #[test]
    fn score_bars_start_near_the_lowest_score() {
        let units = [
            ("县统计局".to_string(), 100.0, "100.00".to_string()),
            ("县妇联".to_string(), 88.46, "88.46".to_string()),
        ];
        let c = ScoreBars::new(&units, 156.0, 240.0);
        // The axis runs from 80 (88.46 − 5, down to a multiple of 5) to 100.
        assert_eq!(c.bars[0].width, 240.0);
        assert!((c.bars[1].width - (8.46 / 20.0) * 240.0).abs() < 1e-9);
        let labels: Vec<&str> = c.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["80", "85", "90", "95", "100"]);
        assert_eq!(c.ticks[0].0, 156.0);
        // A score of 3 brings the axis down to 0, in steps of 25.
        let low = ScoreBars::new(&[("x".into(), 3.0, "3.00".into())], 0.0, 100.0);
        assert_eq!(low.ticks.first().map(|t| t.1.as_str()), Some("0"));
        assert_eq!(low.ticks.len(), 5);
    }
}
