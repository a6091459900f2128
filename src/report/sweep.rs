//! A sweep's charts and page table from its points' means: heatmaps of cost and SLA
//! violation over two parameters, the cost / SLA Pareto chart and the cheapest points.

use super::html::Table;
use crate::model::{Scenario, Sweep, Value};
use crate::plot::{Heatmap, Pareto};
use crate::sweep::PointMean;

/// Most cells along a heatmap axis; longer axes are binned for drawing.
pub const MAX_HEATMAP_BINS: usize = 50;

/// Most points the sweep page lists (the cheapest by mean cost).
pub const PAGE_POINTS: usize = 200;

/// What a sweep's page shows.
#[derive(Debug, Clone)]
pub struct Figures {
    /// `heatmap-cost` and `heatmap-sla`, when the sweep has two axes to draw.
    pub heatmaps: Vec<(&'static str, Heatmap)>,
    pub pareto: Pareto,
    /// The cheapest points, for the page.
    pub cheapest: Table,
}

/// The figures of `spec` over `base` from its points' `means`, heatmaps over parameters `x`
/// and `y` (indices into the sweep's parameters).
pub fn figures(
    spec: &Sweep,
    base: &Scenario,
    means: &[PointMean],
    x: Option<usize>,
    y: Option<usize>,
) -> Figures {
    let mut cheapest: Vec<&PointMean> = means.iter().collect();
    cheapest.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.point.cmp(&b.point)));
    cheapest.truncate(PAGE_POINTS);
    let table = Table {
        headings: vec![
            "point".into(),
            "settings".into(),
            format!("mean cost ({})", base.currency),
            "mean SLA violation (% of the run)".into(),
            "replications".into(),
        ],
        rows: (cheapest.iter())
            .map(|mean| {
                vec![
                    mean.point.to_string(),
                    spec.describe(mean.point),
                    format!("{:.4}", mean.cost),
                    format!("{:.4}", 100.0 * mean.violation_share),
                    mean.replications.to_string(),
                ]
            })
            .collect(),
    };
    let pareto = Pareto {
        points: (means.iter())
            .map(|mean| (mean.cost, 100.0 * mean.violation_share))
            .collect(),
        series: Vec::new(),
        currency: base.currency.clone(),
        // The scenario's own SLA budget, if it sets one, as a share of the run.
        budget: (base.expect.max_sla_violation_seconds)
            .map(|seconds| 100.0 * seconds as f64 / base.duration as f64),
        chosen: None,
    };
    let heatmaps = match (x, y) {
        (Some(x), Some(y)) if x != y => heatmaps(spec, base, means, x, y),
        _ => Vec::new(),
    };
    Figures {
        heatmaps,
        pareto,
        cheapest: table,
    }
}

/// A heatmap's file name, title, unit and what it shows of a point.
type Measure<'a> = (&'static str, &'a str, &'a str, fn(&PointMean) -> f64);

fn heatmaps(
    spec: &Sweep,
    base: &Scenario,
    means: &[PointMean],
    x: usize,
    y: usize,
) -> Vec<(&'static str, Heatmap)> {
    let (px, py) = (&spec.parameters[x], &spec.parameters[y]);
    // Long axes are binned for drawing (at most MAX_HEATMAP_BINS cells a side, each the mean
    // of its values); the CSV keeps every point.
    let bins = |count: usize| count.min(MAX_HEATMAP_BINS);
    let (nx, ny) = (bins(px.values.len()), bins(py.values.len()));
    let bin_of = |index: usize, count: usize, bins: usize| index * bins / count;
    let labels = |values: &[Value], bins: usize| -> Vec<String> {
        (0..bins)
            .map(|bin| {
                let first = (0..values.len())
                    .find(|index| bin_of(*index, values.len(), bins) == bin)
                    .unwrap_or(0);
                values[first].to_toml().trim_matches('"').to_string()
            })
            .collect()
    };
    let cost_unit = format!("cost ({})", base.currency);
    let measures: [Measure<'_>; 2] = [
        (
            "heatmap-cost",
            "mean cost per parameter pair",
            &cost_unit,
            |mean| mean.cost,
        ),
        (
            "heatmap-sla",
            "mean SLA violation per parameter pair",
            "% of the run",
            |mean| 100.0 * mean.violation_share,
        ),
    ];
    measures
        .into_iter()
        .map(|(name, title, unit, measure)| {
            let mut cells = vec![(0.0, 0u32); nx * ny];
            for mean in means {
                let indices = spec.indices(mean.point);
                let (cx, cy) = (
                    bin_of(indices[x], px.values.len(), nx),
                    bin_of(indices[y], py.values.len(), ny),
                );
                let cell = &mut cells[cx * ny + cy];
                cell.0 += measure(mean);
                cell.1 += 1;
            }
            let heatmap = Heatmap {
                title: title.to_string(),
                unit: unit.to_string(),
                x_label: px.path.clone(),
                y_label: py.path.clone(),
                x_values: labels(&px.values, nx),
                y_values: labels(&py.values, ny),
                cells: (cells.iter())
                    .map(|(sum, count)| (*count > 0).then(|| sum / *count as f64))
                    .collect(),
            };
            (name, heatmap)
        })
        .collect()
}
