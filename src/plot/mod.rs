//! Charts: the only module that uses plotters. Everything renders to bytes (SVG text or PNG);
//! the CLI writes them.
//!
//! Charts are drawn from the same CSV a run writes (`timeline.csv`, `activities.csv`,
//! `compare.csv`), so `scaleplan plot DIR` redraws exactly what `compare --out DIR` drew.
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

mod series;

use series::Bucket;
pub use series::{Periods, SeriesBuilder, TimelineSeries, activities_from_csv, peak_window};

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

/// The chart as SVG text (deterministic: same data, same bytes).
pub fn render_svg(chart: Chart) -> Result<String, String> {
    register_font();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart.size()).into_drawing_area();
        chart.draw(&root)?;
    }
    Ok(svg)
}

/// The chart as PNG bytes.
pub fn render_png(chart: Chart) -> Result<Vec<u8>, String> {
    register_font();
    let (width, height) = chart.size();
    let mut pixels = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        chart.draw(&root)?;
    }
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut writer = encoder.write_header().map_err(text)?;
    writer.write_image_data(&pixels).map_err(text)?;
    writer.finish().map_err(text)?;
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

/// Distinct colours for up to eight policies (Okabe-Ito, readable by colour-blind people).
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    // Sky blue before orange: orange beside vermillion reads as one colour.
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];
const LOAD_COLOR: RGBColor = RGBColor(90, 90, 90);
const CAPACITY_COLOR: RGBColor = RGBColor(0, 114, 178);
const PENDING_COLOR: RGBColor = RGBColor(230, 159, 0);
const VIOLATION_COLOR: RGBColor = RGBColor(213, 0, 0);
/// Height of the activity markers as a share of a timeline's y axis: just above the data
/// (1.06 x its peak on an axis of 1.7 x the peak), below the legend.
const MARKER_HEIGHT: f64 = 1.06 / 1.7;
/// Opacity of a drawn point wholly in SLA violation; partial points are shaded in proportion.
const VIOLATION_OPACITY: f64 = 0.3;

/// Merges consecutive flagged buckets into `(start, end)` spans, so a long violation is one
/// rectangle rather than hundreds.
fn spans(
    buckets: &[Bucket],
    flag: fn(&Bucket) -> bool,
) -> Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
    let mut out: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = Vec::new();
    for bucket in buckets.iter().filter(|bucket| flag(bucket)) {
        match out.last_mut() {
            Some(last) if last.1 == bucket.start => last.1 = bucket.end,
            _ => out.push((bucket.start, bucket.end)),
        }
    }
    out
}

/// The time axis' title: the zone by name when there is one, and the offset at the start.
fn offset_label(time: &DateTime<FixedOffset>, zone: Option<&str>) -> String {
    match zone {
        Some(zone) => format!("time ({zone}, UTC{})", time.format("%:z")),
        None => format!("time (UTC{})", time.format("%:z")),
    }
}

fn time_label_format(start: DateTime<FixedOffset>, end: DateTime<FixedOffset>) -> &'static str {
    if end - start > chrono::TimeDelta::days(LONG_SPAN_DAYS) {
        "%Y-%m-%d"
    } else {
        "%Y-%m-%d %H:%M"
    }
}

/// Spans longer than this many days label ticks by date alone.
const LONG_SPAN_DAYS: i64 = 10;

/// How many time ticks to ask plotters for: date-only labels are short, so a fortnight gets
/// a tick every day or two rather than one a week; date-and-time labels need more room.
fn time_label_count(start: DateTime<FixedOffset>, end: DateTime<FixedOffset>) -> usize {
    if end - start > chrono::TimeDelta::days(LONG_SPAN_DAYS) {
        14
    } else {
        8
    }
}

/// Time on x (real date-times in the scenario's offset), requests per second on y.
type TimeChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedDateTime<DateTime<FixedOffset>>, RangedCoordf64>>;

/// A titled chart over `series`' time span from 0 to `y_max` requests per second, with axes
/// and grid drawn.
fn time_chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    series: &TimelineSeries,
    y_max: f64,
) -> Result<TimeChart<'a, DB>, String> {
    let (start, end) = (series.start, series.end);
    let format = time_label_format(start, end);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(RangedDateTime::from(start..end), 0f64..y_max)
        .map_err(text)?;
    chart
        .configure_mesh()
        .x_desc(offset_label(&start, series.zone.as_deref()))
        .y_desc("requests per second")
        .y_label_formatter(&|value| rate_label(*value, y_max))
        .x_labels(time_label_count(start, end))
        .x_label_formatter(&|time| time.format(format).to_string())
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(text)?;
    Ok(chart)
}

/// The load as a band between each drawn point's minimum and maximum (a line when nothing is
/// downsampled), with its maximum as a line labelled "load (req/s)".
fn draw_load_band<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
    buckets: &[Bucket],
    color: RGBColor,
    band_label: Option<&str>,
) -> Result<(), String> {
    let band: Vec<(DateTime<FixedOffset>, f64)> = buckets
        .iter()
        .map(|bucket| (bucket.start, bucket.load_max))
        .chain(
            buckets
                .iter()
                .rev()
                .map(|bucket| (bucket.start, bucket.load_min)),
        )
        .collect();
    let drawn = chart
        .draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(0.25).filled(),
        )))
        .map_err(text)?;
    if let Some(label) = band_label {
        drawn.label(label).legend(move |(x, y)| {
            Rectangle::new([(x, y - 6), (x + 16, y + 6)], color.mix(0.25).filled())
        });
    }
    chart
        .draw_series(LineSeries::new(
            buckets.iter().map(|bucket| (bucket.start, bucket.load_max)),
            color.stroke_width(1),
        ))
        .map_err(text)?
        .label("load (req/s)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2)));
    Ok(())
}

/// The legend of a time chart, top left over a translucent background.
fn draw_legend<'a, DB: DrawingBackend + 'a>(chart: &mut TimeChart<'a, DB>) -> Result<(), String> {
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(text)
}

fn draw_timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &TimelineSeries,
) -> Result<(), String> {
    let y_max = series.y_max();
    let title = format!("{}: load vs in-service capacity", series.policy);
    let mut chart = time_chart(root, &title, series, y_max)?;
    let buckets = &series.buckets;

    // Each drawn point is shaded by the share of its time in violation: a point holding one
    // violated second of twenty minutes is all but clear, not a solid band.
    let mut violations: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>, f64)> = Vec::new();
    for bucket in buckets.iter().filter(|bucket| bucket.violation > 0.0) {
        match violations.last_mut() {
            Some(last) if last.1 == bucket.start && last.2 == bucket.violation => {
                last.1 = bucket.end
            }
            _ => violations.push((bucket.start, bucket.end, bucket.violation)),
        }
    }
    chart
        .draw_series(violations.iter().map(|(from, to, share)| {
            Rectangle::new(
                [(*from, 0.0), (*to, y_max)],
                VIOLATION_COLOR.mix(VIOLATION_OPACITY * share).filled(),
            )
        }))
        .map_err(text)?
        .label("SLA violation")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 6), (x + 16, y + 6)],
                VIOLATION_COLOR.mix(0.3).filled(),
            )
        });
    let pending = spans(buckets, |bucket| bucket.pending);
    chart
        .draw_series(pending.iter().map(|(from, to)| {
            Rectangle::new(
                [(*from, 0.0), (*to, y_max * 0.04)],
                PENDING_COLOR.mix(0.6).filled(),
            )
        }))
        .map_err(text)?
        .label("instances booting")
        .legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 6), (x + 16, y + 6)],
                PENDING_COLOR.mix(0.6).filled(),
            )
        });

    draw_load_band(&mut chart, buckets, LOAD_COLOR, None)?;
    chart
        .draw_series(LineSeries::new(
            step_points(buckets, |bucket| bucket.capacity_max),
            CAPACITY_COLOR.stroke_width(2),
        ))
        .map_err(text)?
        .label("in-service capacity (req/s)")
        .legend(|(x, y)| {
            PathElement::new(vec![(x, y), (x + 16, y)], CAPACITY_COLOR.stroke_width(2))
        });

    // Scale-outs on a row above scale-ins; activities closer than a marker's width share one
    // marker with their count above it, so a burst of forty reads "40", not a solid band.
    let (out_y, in_y) = (y_max * (MARKER_HEIGHT + 0.05), y_max * MARKER_HEIGHT);
    let groups = |scale_out: bool| marker_groups(series, scale_out);
    let counts = |groups: &[(DateTime<FixedOffset>, usize)], y: f64| {
        groups
            .iter()
            .filter(|(_, count)| *count > 1)
            .map(|(time, count)| {
                Text::new(
                    count.to_string(),
                    (*time, y + y_max * 0.02),
                    TextStyle::from((FONT, 11).into_font())
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            })
            .collect::<Vec<_>>()
    };
    let (outs, ins) = (groups(true), groups(false));
    chart
        .draw_series(
            outs.iter()
                .map(|(time, _)| TriangleMarker::new((*time, out_y), 6, PALETTE[2].filled())),
        )
        .map_err(text)?
        .label("scale-out activity")
        .legend(|(x, y)| TriangleMarker::new((x + 8, y), 6, PALETTE[2].filled()));
    chart.draw_series(counts(&outs, out_y)).map_err(text)?;
    chart
        .draw_series(
            ins.iter()
                .map(|(time, _)| Cross::new((*time, in_y), 5, PALETTE[1].stroke_width(2))),
        )
        .map_err(text)?
        .label("scale-in activity")
        .legend(|(x, y)| Cross::new((x + 8, y), 5, PALETTE[1].stroke_width(2)));
    chart.draw_series(counts(&ins, in_y)).map_err(text)?;
    draw_legend(&mut chart)
}

/// Slots along the time axis for activity markers: about a marker's width each.
const MARKER_SLOTS: i64 = 120;

/// Scale-out (or scale-in) activities grouped by marker slot: the first one's time and how
/// many fell in the slot, in time order.
fn marker_groups(series: &TimelineSeries, scale_out: bool) -> Vec<(DateTime<FixedOffset>, usize)> {
    let start = series.start;
    let span = (series.end - start).num_seconds().max(1);
    let mut groups: Vec<(i64, DateTime<FixedOffset>, usize)> = Vec::new();
    for (time, out) in &series.activities {
        if *out != scale_out {
            continue;
        }
        let slot = (*time - start).num_seconds() * MARKER_SLOTS / span;
        match groups.last_mut() {
            Some(last) if last.0 == slot => last.2 += 1,
            _ => groups.push((slot, *time, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(_, time, count)| (time, count))
        .collect()
}

/// Points of a step function: each bucket's value held until the next bucket starts.
fn step_points(buckets: &[Bucket], value: fn(&Bucket) -> f64) -> Vec<(DateTime<FixedOffset>, f64)> {
    let mut points = Vec::with_capacity(buckets.len() * 2);
    for bucket in buckets {
        points.push((bucket.start, value(bucket)));
        points.push((bucket.end, value(bucket)));
    }
    points
}

fn draw_load<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    series: &TimelineSeries,
) -> Result<(), String> {
    let peak = series.load_max * 1.12;
    let title = format!("{}: request rate", series.policy);
    let mut chart = time_chart(root, &title, series, peak)?;
    let buckets = &series.buckets;
    draw_load_band(
        &mut chart,
        buckets,
        CAPACITY_COLOR,
        Some("min / max per drawn point"),
    )?;
    draw_legend(&mut chart)
}

fn draw_overlay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    all: &[TimelineSeries],
    title: &str,
) -> Result<(), String> {
    let first = all.first().ok_or("no policies to draw")?;
    let y_max = all.iter().map(TimelineSeries::y_max).fold(1.0, f64::max);
    let mut chart = time_chart(root, title, first, y_max)?;
    let buckets = &first.buckets;
    chart
        .draw_series(LineSeries::new(
            buckets.iter().map(|bucket| (bucket.start, bucket.load_max)),
            LOAD_COLOR.mix(0.8).stroke_width(1),
        ))
        .map_err(text)?
        .label("load (req/s)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], LOAD_COLOR.stroke_width(2)));
    for (index, series) in all.iter().enumerate() {
        let color = PALETTE[index % PALETTE.len()];
        // Earlier policies are drawn wider, so a policy that matches another stays visible.
        let width = (all.len() - index) as u32 + 1;
        let points = step_points(&series.buckets, |bucket| bucket.capacity_max);
        let label = format!("{} capacity", series.policy);
        // Every other policy is dashed, so two that coincide show both colours.
        if index % 2 == 0 {
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(width)))
                .map_err(text)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(2))
                });
        } else {
            chart
                .draw_series(DashedLineSeries::new(
                    points,
                    10,
                    6,
                    color.stroke_width(width),
                ))
                .map_err(text)?
                .label(label)
                .legend(move |(x, y)| {
                    DashedPathElement::new(vec![(x, y), (x + 16, y)], 5, 3, color.stroke_width(2))
                });
        }
    }
    draw_legend(&mut chart)
}

/// A rate tick on an axis up to `y_max`: enough decimals that ticks a tenth of the axis
/// apart differ (0.2, 0.4 on a 1 req/s axis, not 0, 0), without trailing zeros.
fn rate_label(value: f64, y_max: f64) -> String {
    let decimals = (2 - y_max.max(1e-9).log10().floor() as i32).clamp(0, 9) as usize;
    crate::number::trim_float(format!("{value:.decimals$}").parse().unwrap_or(value))
}

/// Axis numbers without needless decimals.
fn trim(value: f64) -> String {
    crate::number::trim_float((value * 100.0).round() / 100.0)
}

/// The width of one character of a 14-pixel label, a little above the bundled sans font's
/// average (6.6 pixels).
const LABEL_CHAR_PIXELS: u32 = 7;

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bars: &[PolicyBar],
    currency: &str,
) -> Result<(), String> {
    if bars.is_empty() {
        return Err("no policies to draw".into());
    }
    let root = root
        .titled("cost and SLA violation per policy", (FONT, 24))
        .map_err(text)?;
    let panels = root.split_evenly((1, 2));
    let panel = |area: &DrawingArea<DB, Shift>,
                 title: &str,
                 unit: &str,
                 values: Vec<f64>|
     -> Result<(), String> {
        let top = values.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.15;
        // Names wider than their bar's slot are turned upright instead of overlapping.
        let longest = bars
            .iter()
            .map(|bar| bar.policy.chars().count())
            .max()
            .unwrap_or(0) as u32;
        let slot = area.dim_in_pixel().0.saturating_sub(80 + 32) / bars.len() as u32;
        let upright = longest * LABEL_CHAR_PIXELS > slot.saturating_sub(8);
        // Upright names take at most half the panel's height, the axis title below them;
        // longer ones are cut with an ellipsis (the table beside has them whole).
        let room = (area.dim_in_pixel().1 / 2).saturating_sub(40);
        let fits = (room / LABEL_CHAR_PIXELS).max(4) as usize;
        let label_area = if upright {
            (longest * LABEL_CHAR_PIXELS).min(room) + 40
        } else {
            40
        };
        let upright_name = |name: &str| {
            if name.chars().count() <= fits {
                name.to_string()
            } else {
                name.chars().take(fits - 1).chain(['…']).collect()
            }
        };
        let mut chart = ChartBuilder::on(area)
            .caption(title, (FONT, 18))
            .margin(16)
            .x_label_area_size(label_area)
            .y_label_area_size(80)
            // A discrete usize range includes its end: `0..n-1` gives one segment per bar.
            .build_cartesian_2d((0..bars.len() - 1).into_segmented(), 0f64..top)
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_desc("policy")
            .y_desc(unit)
            .y_label_formatter(&|value| trim(*value))
            .x_labels(bars.len())
            .x_label_formatter(&|segment| match segment {
                SegmentValue::CenterOf(index) if *index < bars.len() && !upright => {
                    bars[*index].policy.clone()
                }
                _ => String::new(),
            })
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 16))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(text)?;
        chart
            .draw_series(values.iter().enumerate().map(|(index, value)| {
                let color = PALETTE[index % PALETTE.len()];
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(index), 0.0),
                        (SegmentValue::Exact(index + 1), *value),
                    ],
                    color.mix(0.85).filled(),
                );
                bar.set_margin(0, 0, 12, 12);
                bar
            }))
            .map_err(text)?;
        // Upright names hang from the axis below their bars (the mesh centres rotated labels
        // on the axis, half inside the plot).
        if upright {
            let base = area.get_base_pixel();
            let style = TextStyle::from((FONT, 14).into_font())
                .transform(FontTransform::Rotate90)
                .pos(Pos::new(HPos::Left, VPos::Center));
            for (index, bar) in bars.iter().enumerate() {
                let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(index), 0.0));
                area.draw(&Text::new(
                    upright_name(&bar.policy),
                    (x - base.0, y - base.1 + 8),
                    style.clone(),
                ))
                .map_err(text)?;
            }
        }
        // Each bar carries its value, so the chart reads without the table.
        chart
            .draw_series(values.iter().enumerate().map(|(index, value)| {
                Text::new(
                    trim(*value),
                    (SegmentValue::CenterOf(index), *value + top * 0.02),
                    TextStyle::from((FONT, 14).into_font())
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(text)?;
        Ok(())
    };
    panel(
        &panels[0],
        "cost",
        &format!("cost ({currency})"),
        bars.iter().map(|bar| bar.cost).collect(),
    )?;
    panel(
        &panels[1],
        "SLA violation",
        "minutes",
        bars.iter()
            .map(|bar| bar.sla_violation_seconds as f64 / 60.0)
            .collect(),
    )
}

/// A grid of values over two sweep parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Heatmap {
    /// Chart title.
    pub title: String,
    /// Legend for the colour: what a cell's value is.
    pub unit: String,
    /// x parameter path.
    pub x_label: String,
    /// y parameter path.
    pub y_label: String,
    /// x tick labels (parameter values), in grid order.
    pub x_values: Vec<String>,
    /// y tick labels.
    pub y_values: Vec<String>,
    /// `cells[x * y_values.len() + y]`, `None` where the grid has no point.
    pub cells: Vec<Option<f64>>,
}

/// Cost against SLA violation for every sweep point, with the Pareto frontier.
#[derive(Debug, Clone, PartialEq)]
pub struct Pareto {
    /// (cost, SLA violation in % of the run) per point.
    pub points: Vec<(f64, f64)>,
    /// The policy of each point, when the points come from several (a plan across
    /// policies): each gets its own colour and legend entry. Empty: one series.
    pub series: Vec<String>,
    /// The currency of the cost axis.
    pub currency: String,
    /// The SLA budget in % of the run (the scenario's `expect.max_sla_violation`), drawn as a
    /// line, with the cheapest point within it marked.
    pub budget: Option<f64>,
    /// The point to ring when someone chose it (the planner, by its confidence bound);
    /// `None`: the cheapest point within the budget.
    pub chosen: Option<(f64, f64)>,
}

impl Pareto {
    /// The cheapest point whose violation is within the budget, if any.
    pub fn chosen(&self) -> Option<(f64, f64)> {
        if self.chosen.is_some() {
            return self.chosen;
        }
        let budget = self.budget?;
        self.points
            .iter()
            .copied()
            .filter(|point| point.1 <= budget)
            .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)))
    }

    /// Points no other point beats on both axes, by increasing cost.
    pub fn frontier(&self) -> Vec<(f64, f64)> {
        let mut sorted = self.points.clone();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut frontier: Vec<(f64, f64)> = Vec::new();
        for point in sorted {
            if frontier.last().is_none_or(|last| point.1 < last.1) {
                frontier.push(point);
            }
        }
        frontier
    }
}

/// Viridis-like colour for `t` in 0..=1 (low: dark blue, high: yellow).
fn ramp(t: f64) -> RGBColor {
    const STOPS: [(f64, (u8, u8, u8)); 5] = [
        (0.0, (68, 1, 84)),
        (0.25, (59, 82, 139)),
        (0.5, (33, 145, 140)),
        (0.75, (94, 201, 98)),
        (1.0, (253, 231, 37)),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let upper = STOPS
        .iter()
        .position(|(at, _)| *at >= t)
        .unwrap_or(4)
        .max(1);
    let ((a, ca), (b, cb)) = (STOPS[upper - 1], STOPS[upper]);
    let f = (t - a) / (b - a);
    let mix = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * f).round() as u8;
    RGBColor(mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2))
}

fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    map: &Heatmap,
) -> Result<(), String> {
    let (nx, ny) = (map.x_values.len(), map.y_values.len());
    let values: Vec<f64> = map.cells.iter().flatten().copied().collect();
    let low = values.iter().copied().fold(f64::INFINITY, f64::min);
    let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if high > low { high - low } else { 1.0 };
    let (chart_area, legend_area) = root.split_horizontally(root.dim_in_pixel().0 - 150);
    let mut chart = ChartBuilder::on(&chart_area)
        .caption(&map.title, (FONT, 22))
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(90)
        .build_cartesian_2d(0f64..nx as f64, 0f64..ny as f64)
        .map_err(text)?;
    // Ticks thinned to every `step`-th cell so that labels, measured in the chart's font,
    // stay apart: 46 values read "40  44  48 ...", not "4041424344...".
    let (plot_width, plot_height) = chart.plotting_area().dim_in_pixel();
    let step = |labels: &[String], room: u32, across: bool| -> usize {
        let widest = labels
            .iter()
            .map(|label| {
                let (width, height) = chart_area
                    .estimate_text_size(label, &TextStyle::from((FONT, 13).into_font()))
                    .unwrap_or((8 * label.len() as u32, 13));
                if across { width } else { height }
            })
            .max()
            .unwrap_or(0);
        let per_label = widest as f64 + if across { 12.0 } else { 6.0 };
        ((labels.len() as f64 * per_label / room.max(1) as f64).ceil() as usize).max(1)
    };
    let (x_step, y_step) = (
        step(&map.x_values, plot_width, true),
        step(&map.y_values, plot_height, false),
    );
    let tick = |labels: &[String], every: usize, at: f64| {
        let index = at.floor() as usize;
        if (at - index as f64 - 0.5).abs() < 1e-6 && index.is_multiple_of(every) {
            labels.get(index).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(&map.x_label)
        .y_desc(&map.y_label)
        .x_labels(nx * 2 + 1)
        .y_labels(ny * 2 + 1)
        .x_label_formatter(&|at| tick(&map.x_values, x_step, *at))
        .y_label_formatter(&|at| tick(&map.y_values, y_step, *at))
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(text)?;
    let cells = (0..nx).flat_map(|x| (0..ny).map(move |y| (x, y)));
    chart
        .draw_series(cells.clone().filter_map(|(x, y)| {
            let value = map.cells[x * ny + y]?;
            let color = ramp((value - low) / span);
            Some(Rectangle::new(
                [(x as f64, y as f64), (x as f64 + 1.0, y as f64 + 1.0)],
                color.filled(),
            ))
        }))
        .map_err(text)?;
    if nx * ny <= 144 {
        chart
            .draw_series(cells.filter_map(|(x, y)| {
                let value = map.cells[x * ny + y]?;
                let color = if (value - low) / span > 0.6 {
                    BLACK
                } else {
                    WHITE
                };
                Some(Text::new(
                    trim(value),
                    (x as f64 + 0.35, y as f64 + 0.55),
                    (FONT, 12).into_font().color(&color),
                ))
            }))
            .map_err(text)?;
    }
    // Colour scale: the unit above, then a bar with the high and low ends beside it.
    let (unit_area, bar_area) = legend_area.split_vertically(60);
    unit_area
        .draw(&Text::new(map.unit.clone(), (0, 30), (FONT, 14)))
        .map_err(text)?;
    let legend = bar_area.margin(10, 70, 10, 40);
    let (_, height) = legend.dim_in_pixel();
    for row in 0..height {
        let t = 1.0 - row as f64 / height.max(1) as f64;
        legend
            .draw(&Rectangle::new(
                [(0, row as i32), (24, row as i32 + 1)],
                ramp(t).filled(),
            ))
            .map_err(text)?;
    }
    // Five ticks: the ends and the quartiles between them.
    for quarter in 0..=4 {
        let share = quarter as f64 / 4.0;
        let y = ((1.0 - share) * (height as f64 - 12.0)) as i32;
        legend
            .draw(&Text::new(
                trim(low + share * (high - low)),
                (30, y),
                (FONT, 13),
            ))
            .map_err(text)?;
    }
    Ok(())
}

fn draw_pareto<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    pareto: &Pareto,
) -> Result<(), String> {
    let max_cost = pareto
        .points
        .iter()
        .map(|point| point.0)
        .fold(1e-9, f64::max)
        * 1.08;
    let min_cost = pareto
        .points
        .iter()
        .map(|point| point.0)
        .fold(f64::INFINITY, f64::min)
        .min(max_cost)
        * 0.92;
    let names: Vec<&str> = {
        let mut names: Vec<&str> = Vec::new();
        for name in &pareto.series {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    };
    let max_violation = pareto
        .points
        .iter()
        .map(|point| point.1)
        .chain(pareto.budget)
        .fold(1e-9, f64::max)
        // Headroom above every point and the budget line for the legend, a row per policy.
        * (1.45 + 0.08 * names.len().saturating_sub(1) as f64);
    let mut chart = ChartBuilder::on(root)
        .caption(
            if names.len() > 1 {
                "cost against SLA violation, every point of every policy"
            } else {
                "cost against SLA violation, every sweep point"
            },
            (FONT, 22),
        )
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(80)
        .build_cartesian_2d(min_cost..max_cost, 0f64..max_violation)
        .map_err(text)?;
    chart
        .configure_mesh()
        .x_desc(format!("cost ({})", pareto.currency))
        .y_desc("SLA violation (% of the run)")
        .x_label_formatter(&|value| trim(*value))
        .y_label_formatter(&|value| trim(*value))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 16))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(text)?;
    // One dot per occupied 5-pixel cell: a 100,000-point sweep draws as fast, and as small,
    // as a few thousand dots, and every outlier still shows.
    let (width, height) = root.dim_in_pixel();
    let mut seen = std::collections::BTreeSet::new();
    // Per policy, so that no policy's dots hide under another's.
    let mut cell = |group: usize, (cost, violation): (f64, f64)| {
        let cell_x = ((cost - min_cost) / (max_cost - min_cost) * width as f64 / 5.0) as i64;
        let cell_y = (violation / max_violation * height as f64 / 5.0) as i64;
        seen.insert((group, cell_x, cell_y))
    };
    // One colour per policy, in first-seen order: the palette without the frontier's
    // vermillion and the yellow that vanishes on white, then grey.
    let colours = [
        PALETTE[0], PALETTE[2], PALETTE[3], PALETTE[4], PALETTE[5], LOAD_COLOR, PALETTE[7],
    ];
    let groups: Vec<(String, RGBColor)> = if names.len() > 1 {
        (names.iter().enumerate())
            .map(|(index, name)| (name.to_string(), colours[index % colours.len()]))
            .collect()
    } else {
        vec![("sweep point".to_string(), PALETTE[5])]
    };
    for (group, (label, colour)) in groups.iter().enumerate() {
        let dots: Vec<(f64, f64)> = (pareto.points.iter().enumerate())
            .filter(|(index, _)| {
                groups.len() == 1
                    || pareto.series.get(*index).map(String::as_str) == Some(names[group])
            })
            .map(|(_, point)| *point)
            .filter(|point| cell(group, *point))
            .collect();
        let colour = *colour;
        chart
            .draw_series(
                dots.iter()
                    .map(|point| Circle::new(*point, 3, colour.mix(0.6).filled())),
            )
            .map_err(text)?
            .label(label.clone())
            .legend(move |(x, y)| Circle::new((x + 8, y), 3, colour.filled()));
    }
    let frontier = pareto.frontier();
    chart
        .draw_series(LineSeries::new(
            frontier.iter().copied(),
            PALETTE[1].stroke_width(2),
        ))
        .map_err(text)?
        .label("Pareto frontier")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], PALETTE[1].stroke_width(2)));
    chart
        .draw_series(
            frontier
                .iter()
                .map(|point| Circle::new(*point, 4, PALETTE[1].filled())),
        )
        .map_err(text)?;
    if let Some(budget) = pareto.budget {
        chart
            .draw_series(DashedLineSeries::new(
                [(min_cost, budget), (max_cost, budget)],
                8,
                5,
                VIOLATION_COLOR.stroke_width(2),
            ))
            .map_err(text)?
            .label(format!("SLA budget ({}% of the run)", trim(budget)))
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 16, y)], VIOLATION_COLOR.stroke_width(2))
            });
        if let Some(chosen) = pareto.chosen() {
            chart
                .draw_series([EmptyElement::at(chosen)
                    + Circle::new((0, 0), 9, BLACK.stroke_width(2))
                    + Text::new(
                        format!(
                            "{}: {} {}, {}%",
                            if pareto.chosen.is_some() {
                                "the plan's choice"
                            } else {
                                "cheapest within budget"
                            },
                            trim(chosen.0),
                            pareto.currency,
                            trim(chosen.1)
                        ),
                        (12, -22),
                        (FONT, 14),
                    )])
                .map_err(text)?
                .label(if pareto.chosen.is_some() {
                    "the plan's choice (by its confidence bound)"
                } else {
                    "cheapest point within the budget"
                })
                .legend(|(x, y)| Circle::new((x + 8, y), 6, BLACK.stroke_width(2)));
        }
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(text)
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
