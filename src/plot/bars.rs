//! Cost and SLA violation per policy, side by side.

use super::*;

/// The width of one character of a 14-pixel label, a little above the bundled sans font's
/// average (6.6 pixels).
pub(super) const LABEL_CHAR_PIXELS: u32 = 7;

pub(super) fn draw_bars<DB: DrawingBackend>(
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
