//! Charts: the only module that uses plotters. Everything renders to bytes (SVG text or PNG);
//! the CLI writes them.
//!
//! Charts draw what a run writes (`timeline.csv`, `activities.csv`, `compare.csv`): from the
//! run's own typed rows as it ends, or read back from those files by `scaleplan plot DIR`,
//! which redraws what `compare --out DIR` drew.
//! Long runs are downsampled for drawing only, with min / max envelopes so that no peak
//! disappears; the numbers in the CSV files are never downsampled.
//!
//! Text uses the bundled DejaVu Sans (assets/fonts, Bitstream Vera licence) through plotters'
//! pure-Rust `ab_glyph` feature: no system font library is needed.

use crate::error::Diagnostic;
use crate::outputs::columns::compare;
use chrono::{DateTime, FixedOffset};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

mod bars;
mod grid;
mod series;
mod timeline;

use bars::*;
use grid::*;
pub use grid::{Heatmap, Pareto};
use series::Bucket;
pub use series::{Periods, SeriesBuilder, TimelineSeries, activities_from_csv, peak_window};
use timeline::*;

/// Font family the charts ask for, registered from the bundled file under this name; SVGs
/// name it too, with the generic family after it for viewers that do not have it.
const FONT: &str = "DejaVu Sans, sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// Most points drawn along the time axis; longer series become min / max envelopes.
const MAX_DRAWN_POINTS: usize = 1200;

/// Chart sizes in pixels.
const TIMELINE_SIZE: (u32, u32) = (1200, 520);
const BARS_SIZE: (u32, u32) = (1100, 460);

/// Cost and SLA of one policy, for the bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyBar {
    /// Policy name.
    pub policy: String,
    /// Money billed.
    pub cost: f64,
    /// Seconds in SLA violation.
    pub sla_violation_seconds: u64,
}

/// A chart to draw.
#[derive(Debug, Clone, Copy)]
pub enum Chart<'a> {
    /// Load against in-service capacity for one policy, with pending instances, activities
    /// and SLA violations.
    Timeline(&'a TimelineSeries),
    /// Every policy's capacity against the (shared) load.
    Overlay(&'a [TimelineSeries]),
    /// The same, over the hours around the load's peak ([`peak_window`]).
    PeakOverlay(&'a [TimelineSeries]),
    /// Cost (in the currency named) and SLA violation per policy.
    Bars(&'a [PolicyBar], &'a str),
    /// A trace on its own: the load, downsampled with envelopes.
    Load(&'a TimelineSeries),
    /// A metric over two sweep parameters.
    Heatmap(&'a Heatmap),
    /// Cost against SLA violation over a sweep.
    Pareto(&'a Pareto),
}

impl Chart<'_> {
    fn size(&self) -> (u32, u32) {
        match self {
            Chart::Timeline(_) | Chart::Overlay(_) | Chart::PeakOverlay(_) | Chart::Load(_) => {
                TIMELINE_SIZE
            }
            Chart::Bars(..) => BARS_SIZE,
            Chart::Heatmap(_) | Chart::Pareto(_) => (900, 640),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), String> {
        root.fill(&WHITE).map_err(text)?;
        match self {
            Chart::Timeline(series) => draw_timeline(root, series),
            Chart::Overlay(all) => draw_overlay(
                root,
                all,
                "in-service capacity of every policy against the load",
            ),
            Chart::PeakOverlay(all) => draw_overlay(
                root,
                all,
                "around the load's peak: in-service capacity of every policy",
            ),
            Chart::Bars(bars, currency) => draw_bars(root, bars, currency),
            Chart::Load(series) => draw_load(root, series),
            Chart::Heatmap(map) => draw_heatmap(root, map),
            Chart::Pareto(pareto) => draw_pareto(root, pareto),
        }?;
        root.present().map_err(text)
    }
}

fn text<E: std::fmt::Display>(error: E) -> String {
    error.to_string()
}

fn register_font() {
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES);
    });
}

/// Why a chart could not be drawn or encoded (plotters' or the PNG encoder's message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

/// The chart as SVG text (deterministic: same data, same bytes).
pub fn render_svg(chart: Chart) -> Result<String, RenderError> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        chart.draw(&root).map_err(RenderError)?;
    }
    Ok(svg)
}

/// The chart as PNG bytes.
pub fn render_png(chart: Chart) -> Result<Vec<u8>, RenderError> {
    register_font();
    let (width, height) = chart.size();
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        chart.draw(&root).map_err(RenderError)?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder
        .write_header()
        .map_err(|error| RenderError(text(error)))?;
    writer
        .write_image_data(&pixels)
        .map_err(|error| RenderError(text(error)))?;
    writer.finish().map_err(|error| RenderError(text(error)))?;
    Ok(png)
}

/// Reads `compare.csv` bytes into bars.
pub fn bars_from_csv(bytes: &[u8], file: &str) -> Result<Vec<PolicyBar>, Diagnostic> {
    let mut reader = csv::Reader::from_reader(bytes);
    let columns = column_indices(
        &mut reader,
        file,
        &[
            compare::POLICY,
            compare::COST,
            compare::SLA_VIOLATION_SECONDS,
        ],
    )?;
    let mut bars = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|error| Diagnostic::file(file, format!("malformed CSV: {error}")))?;
        let line = record
            .position()
            .map_or(0, |position| position.line() as usize);
        let bad = |column: usize| {
            at_line(
                file,
                line,
                format!("`{}` is not a number", &record[columns[column]]),
            )
        };
        bars.push(PolicyBar {
            policy: record[columns[0]].to_string(),
            cost: record[columns[1]].parse().map_err(|_| bad(1))?,
            sla_violation_seconds: record[columns[2]].parse().map_err(|_| bad(2))?,
        });
    }
    Ok(bars)
}

fn column_indices<R: std::io::Read>(
    reader: &mut csv::Reader<R>,
    file: &str,
    names: &[&str],
) -> Result<Vec<usize>, Diagnostic> {
    let headers = reader
        .headers()
        .map_err(|error| Diagnostic::file(file, format!("malformed CSV: {error}")))?
        .clone();
    names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|header| header == *name)
                .ok_or_else(|| {
                    Diagnostic::file(file, format!("missing column `{name}`")).with_hint(
                        "charts read the files `scaleplan run --out` and `compare --out` write",
                    )
                })
        })
        .collect()
}

pub(crate) fn at_line(file: &str, line: usize, message: String) -> Diagnostic {
    let mut diagnostic = Diagnostic::file(file, message);
    diagnostic.line = line;
    diagnostic.column = 1;
    diagnostic
}

fn parse_time(cell: &str, file: &str, line: usize) -> Result<DateTime<FixedOffset>, Diagnostic> {
    DateTime::parse_from_rfc3339(cell)
        .map_err(|_| at_line(file, line, format!("`{cell}` is not an RFC 3339 time")))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Activities closer than a marker's width share one marker and its count; scale-outs and
    // scale-ins are grouped apart.
    #[test]
    fn close_activities_share_a_marker_with_their_count() {
        let start = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
        let minute = |m: i64| start + chrono::TimeDelta::minutes(m);
        let minutes = 1200; // 10 minutes a slot
        let periods = Periods {
            times: (0..minutes).map(minute).collect(),
            load: vec![1.0; minutes as usize],
            capacity: vec![1.0; minutes as usize],
            pending: vec![0; minutes as usize],
            violation: vec![0.0; minutes as usize],
        };
        let activities = vec![
            (minute(100), true),
            (minute(101), true),
            (minute(102), false),
            (minute(109), true),
            (minute(110), true),
            (minute(500), false),
        ];
        let series = TimelineSeries::new("p", periods, activities, None);
        assert_eq!(
            marker_groups(&series, true),
            vec![(minute(100), 3), (minute(110), 1)]
        );
        assert_eq!(
            marker_groups(&series, false),
            vec![(minute(102), 1), (minute(500), 1)]
        );
    }

    #[test]
    fn rate_ticks_keep_the_decimals_that_tell_them_apart() {
        assert_eq!(rate_label(0.2, 1.0), "0.2");
        assert_eq!(rate_label(0.25, 0.9), "0.25");
        assert_eq!(rate_label(0.005, 0.01), "0.005");
        assert_eq!(rate_label(40.0, 50.0), "40");
        assert_eq!(rate_label(2500.0, 5000.0), "2500");
    }
}
