//! Pure scaling decisions: what a rule does to desired capacity, and why.
//!
//! No state and no time here: the engine asks, these functions answer with the new desired
//! capacity and a one-line explanation for the activity history ("+25% of 4 = 1 -> min 2").

pub mod forecast;
pub mod hpa;
pub mod queueing;

use crate::model::{Adjustment, Rounding};
use crate::number::trim_float;

/// The outcome of applying a rule to a group, kept as numbers so that recording a decision
/// costs nothing; [`Decision::explain`] renders it for reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// The rule's adjustment.
    pub adjustment: Adjustment,
    /// Capacity the adjustment was applied to.
    pub current: u32,
    /// Percent adjustments: the exact fractional change before rounding.
    pub raw_change: f64,
    /// The whole-instance change after rounding, before the minimum magnitude.
    pub rounded_change: i64,
    /// The minimum magnitude, when it lifted the change.
    pub lifted_to: Option<i64>,
    /// Target before clamping.
    pub unclamped: i64,
    /// Bounds applied.
    pub bounds: (u32, u32),
    /// New desired capacity, clamped to the bounds.
    pub desired: u32,
}

impl Decision {
    /// How it was computed, e.g. `+30% of 11 = 3.3 -> +3: 11 -> 14`.
    pub fn explain(&self) -> String {
        let mut text = match self.adjustment {
            Adjustment::Change(change) => format!("change {change:+}"),
            Adjustment::Exact(value) => format!("set to {value}"),
            Adjustment::Percent { percent, .. } => format!(
                "{percent:+}% of {} = {} -> {:+}",
                self.current,
                trim_float(self.raw_change),
                self.rounded_change
            ),
        };
        if let (Some(lifted), Adjustment::Percent { min_magnitude, .. }) =
            (self.lifted_to, self.adjustment)
        {
            text.push_str(&format!(" (min magnitude {min_magnitude}: {lifted:+})"));
        }
        let (min, max) = self.bounds;
        if self.unclamped != self.desired as i64 {
            text.push_str(&format!(
                "; {} clamped to [{min}, {max}] = {}",
                self.unclamped, self.desired
            ));
        }
        text.push_str(&format!(": {} -> {}", self.current, self.desired));
        text
    }
}

/// Rounds a fractional percent change to whole instances.
///
/// AWS (User Guide, "Scaling adjustment types"): toward zero, except that a change in (0, 1)
/// becomes 1 and one in (-1, 0) becomes -1. Alibaba ESS (CreateScalingRule): to the nearest
/// integer, halves away from zero (四舍五入).
pub fn round_percent_change(raw: f64, rounding: Rounding) -> i64 {
    match rounding {
        Rounding::Aws => {
            if raw > 0.0 && raw < 1.0 {
                1
            } else if raw < 0.0 && raw > -1.0 {
                -1
            } else {
                raw.trunc() as i64
            }
        }
        Rounding::Alibaba => raw.round() as i64,
    }
}

/// Applies `adjustment` to `current` capacity and clamps the result to `[min, max]`.
///
/// Clamping follows AWS and ESS alike: max 3, current 2, +3 gives 3 (adds 1); the rule's own
/// value is unchanged. The minimum adjustment magnitude (AWS `MinAdjustmentMagnitude`, ESS
/// likewise) only applies to percent changes.
pub fn apply(
    adjustment: Adjustment,
    current: u32,
    min: u32,
    max: u32,
    rounding: Rounding,
) -> Decision {
    let mut raw_change = 0.0;
    let mut rounded_change = 0;
    let mut lifted_to = None;
    let unclamped = match adjustment {
        Adjustment::Change(change) => (current as i64).saturating_add(change),
        Adjustment::Exact(value) => value as i64,
        Adjustment::Percent {
            percent,
            min_magnitude,
        } => {
            raw_change = current as f64 * percent / 100.0;
            rounded_change = round_percent_change(raw_change, rounding);
            let mut change = rounded_change;
            if percent != 0.0 && change.unsigned_abs() < min_magnitude as u64 {
                change = min_magnitude as i64 * percent.signum() as i64;
                lifted_to = Some(change);
            }
            (current as i64).saturating_add(change)
        }
    };
    Decision {
        adjustment,
        current,
        raw_change,
        rounded_change,
        lifted_to,
        unclamped,
        bounds: (min, max),
        desired: unclamped.clamp(min as i64, max as i64) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn percent(percent: f64, min_magnitude: u32) -> Adjustment {
        Adjustment::Percent {
            percent,
            min_magnitude,
        }
    }

    // Source: AWS EC2 Auto Scaling User Guide, "Step and simple scaling policies",
    // scaling adjustment types: 12.7 -> 12, 0.67 -> 1, -0.58 -> -1, -6.67 -> -6.
    #[test]
    fn aws_rounds_toward_zero_with_the_plus_minus_one_rule() {
        assert_eq!(round_percent_change(12.7, Rounding::Aws), 12);
        assert_eq!(round_percent_change(0.67, Rounding::Aws), 1);
        assert_eq!(round_percent_change(-0.58, Rounding::Aws), -1);
        assert_eq!(round_percent_change(-6.67, Rounding::Aws), -6);
        assert_eq!(round_percent_change(0.0, Rounding::Aws), 0);
    }

    // Source: Alibaba ESS CreateScalingRule, PercentChangeInCapacity rounds to nearest.
    #[test]
    fn alibaba_rounds_to_nearest_where_aws_truncates() {
        // 10 instances +17% = 1.7: AWS adds 1, ESS adds 2.
        assert_eq!(
            apply(percent(17.0, 0), 10, 0, 100, Rounding::Aws).desired,
            11
        );
        assert_eq!(
            apply(percent(17.0, 0), 10, 0, 100, Rounding::Alibaba).desired,
            12
        );
        assert_eq!(round_percent_change(-2.5, Rounding::Alibaba), -3);
    }

    // Source: AWS User Guide: MinAdjustmentMagnitude 2 makes +25% of 4 instances +2.
    #[test]
    fn minimum_magnitude_lifts_small_percent_changes() {
        let decision = apply(percent(25.0, 2), 4, 0, 10, Rounding::Aws);
        assert_eq!(decision.desired, 6);
        assert!(
            decision.explain().contains("min magnitude 2"),
            "{}",
            decision.explain()
        );
    }

    // Source: AWS User Guide "Set scaling limits": max 3, current 2, +3 adds 1;
    // min 2, current 3, -2 removes 1 (same figures in ESS CreateScalingRule).
    #[test]
    fn results_are_clamped_to_the_group_bounds() {
        assert_eq!(
            apply(Adjustment::Change(3), 2, 0, 3, Rounding::Aws).desired,
            3
        );
        assert_eq!(
            apply(Adjustment::Change(-2), 3, 2, 10, Rounding::Aws).desired,
            2
        );
        assert_eq!(
            apply(Adjustment::Exact(50), 3, 1, 8, Rounding::Aws).desired,
            8
        );
    }

    #[test]
    fn explanations_show_the_computation() {
        let decision = apply(percent(30.0, 0), 11, 0, 20, Rounding::Aws);
        assert_eq!(decision.desired, 14);
        assert_eq!(decision.explain(), "+30% of 11 = 3.3 -> +3: 11 -> 14");
        let clamped = apply(Adjustment::Change(3), 2, 0, 3, Rounding::Aws);
        assert_eq!(
            clamped.explain(),
            "change +3; 5 clamped to [0, 3] = 3: 2 -> 3"
        );
    }
}
