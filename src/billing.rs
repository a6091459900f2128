//! Billing: how long an instance is charged for.
//!
//! Pay-as-you-go is charged per second from launch to termination with a minimum charge
//! (AWS Linux on-demand: per second, 60 s minimum; Tencent and Alibaba: per second), or in
//! coarser steps on clouds that bill by the hour. Instance-hours count the same span.

use crate::time::Seconds;

/// Seconds billed for an instance that lived `life` seconds inside the run.
///
/// The life is rounded up to a multiple of `granularity`; an instance launched in the run
/// is billed at least one such unit and at least `minimum`: hourly billing charges every
/// started hour, so one launched and removed in the same instant costs an hour (AWS EC2
/// pricing: per-hour instances are billed "for each hour or partial hour"), and per-second
/// billing charges its 60 s minimum (AWS Linux on-demand). An instance already running at the
/// start has paid its unit and minimum before the simulated window, so only its time inside
/// the window is charged.
pub fn billed_seconds(
    life: Seconds,
    granularity: Seconds,
    minimum: Seconds,
    launched_in_run: bool,
) -> Seconds {
    let granularity = granularity.max(1);
    let units = life.div_ceil(granularity);
    if launched_in_run {
        (units.max(1) * granularity).max(minimum)
    } else {
        units * granularity
    }
}

/// Money for `seconds` at `price_per_hour`.
pub fn cost(seconds: Seconds, price_per_hour: f64) -> f64 {
    seconds as f64 * price_per_hour / 3600.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_second_billing_with_a_minute_minimum() {
        assert_eq!(billed_seconds(45, 1, 60, true), 60);
        assert_eq!(billed_seconds(61, 1, 60, true), 61);
        assert_eq!(billed_seconds(45, 1, 60, false), 45);
    }

    #[test]
    fn hourly_billing_rounds_each_life_up_to_whole_hours() {
        assert_eq!(billed_seconds(1, 3600, 0, true), 3600);
        assert_eq!(billed_seconds(3600, 3600, 0, true), 3600);
        assert_eq!(billed_seconds(3601, 3600, 0, true), 7200);
        assert_eq!(billed_seconds(0, 3600, 0, false), 0);
        // Launched and removed in the same instant: one started hour (AWS per-hour billing),
        // and the per-second minimum under per-second billing.
        assert_eq!(billed_seconds(0, 3600, 0, true), 3600);
        assert_eq!(billed_seconds(0, 3600, 60, true), 3600);
        assert_eq!(billed_seconds(0, 1, 60, true), 60);
        assert_eq!(billed_seconds(0, 1, 0, true), 1);
    }

    #[test]
    fn cost_is_seconds_times_hourly_price() {
        assert!((cost(7200, 0.021) - 0.042).abs() < 1e-15);
    }
}
