//! Timelines: load, capacity, booting and SLA violation over time, the peak overlay and a
//! trace on its own.

use super::*;

/// Distinct colours for up to eight policies (Okabe-Ito, readable by colour-blind people).
pub(super) const PALETTE: [RGBColor; 8] = [
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
pub(super) const LOAD_COLOR: RGBColor = RGBColor(90, 90, 90);
pub(super) const CAPACITY_COLOR: RGBColor = RGBColor(0, 114, 178);
pub(super) const PENDING_COLOR: RGBColor = RGBColor(230, 159, 0);
pub(super) const VIOLATION_COLOR: RGBColor = RGBColor(213, 0, 0);
/// Height of the activity markers as a share of a timeline's y axis: just above the data
/// (1.06 x its peak on an axis of 1.7 x the peak), below the legend.
pub(super) const MARKER_HEIGHT: f64 = 1.06 / 1.7;
/// Opacity of a drawn point wholly in SLA violation; partial points are shaded in proportion.
pub(super) const VIOLATION_OPACITY: f64 = 0.3;

/// Merges consecutive flagged buckets into `(start, end)` spans, so a long violation is one
/// rectangle rather than hundreds.
pub(super) fn spans(
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
pub(super) fn offset_label(time: &DateTime<FixedOffset>, zone: Option<&str>) -> String {
    match zone {
        Some(zone) => format!("time ({zone}, UTC{})", time.format("%:z")),
        None => format!("time (UTC{})", time.format("%:z")),
    }
}

pub(super) fn time_label_format(
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
) -> &'static str {
    if end - start > chrono::TimeDelta::days(LONG_SPAN_DAYS) {
        "%Y-%m-%d"
    } else {
        "%Y-%m-%d %H:%M"
    }
}

/// Spans longer than this many days label ticks by date alone.
pub(super) const LONG_SPAN_DAYS: i64 = 10;

/// How many time ticks to ask plotters for: date-only labels are short, so a fortnight gets
/// a tick every day or two rather than one a week; date-and-time labels need more room.
pub(super) fn time_label_count(start: DateTime<FixedOffset>, end: DateTime<FixedOffset>) -> usize {
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
pub(super) fn time_chart<'a, DB: DrawingBackend>(
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
pub(super) fn draw_load_band<'a, DB: DrawingBackend + 'a>(
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
pub(super) fn draw_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut TimeChart<'a, DB>,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(text)
}

pub(super) fn draw_timeline<DB: DrawingBackend>(
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
pub(super) const MARKER_SLOTS: i64 = 120;

/// Scale-out (or scale-in) activities grouped by marker slot: the first one's time and how
/// many fell in the slot, in time order.
pub(super) fn marker_groups(
    series: &TimelineSeries,
    scale_out: bool,
) -> Vec<(DateTime<FixedOffset>, usize)> {
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
pub(super) fn step_points(
    buckets: &[Bucket],
    value: fn(&Bucket) -> f64,
) -> Vec<(DateTime<FixedOffset>, f64)> {
    let mut points = Vec::with_capacity(buckets.len() * 2);
    for bucket in buckets {
        points.push((bucket.start, value(bucket)));
        points.push((bucket.end, value(bucket)));
    }
    points
}

pub(super) fn draw_load<DB: DrawingBackend>(
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

pub(super) fn draw_overlay<DB: DrawingBackend>(
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
pub(super) fn rate_label(value: f64, y_max: f64) -> String {
    let decimals = (2 - y_max.max(1e-9).log10().floor() as i32).clamp(0, 9) as usize;
    crate::number::trim_float(format!("{value:.decimals$}").parse().unwrap_or(value))
}

/// Axis numbers without needless decimals.
pub(super) fn trim(value: f64) -> String {
    crate::number::trim_float((value * 100.0).round() / 100.0)
}
