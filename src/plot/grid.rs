//! A sweep's charts: heatmaps over two parameters and the cost / SLA Pareto chart.

use super::*;

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
pub(super) fn ramp(t: f64) -> RGBColor {
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

pub(super) fn draw_heatmap<DB: DrawingBackend>(
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

pub(super) fn draw_pareto<DB: DrawingBackend>(
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
