//! Every limit and value range the model enforces, in one place: the validator checks input
//! against them before anything is allocated, the sweep checks every grid point against them,
//! and docs/scenario-format.md lists them for users.

use crate::time::Seconds;

/// Most metric periods in one run: 50 million (about 95 years of minutes, 1.6 years of
/// seconds) keeps the load and timeline within a few gigabytes.
pub const MAX_TICKS: u64 = 50_000_000;

/// Most firings of one scheduled task in a run (a minutely cron for two years).
pub const MAX_FIRINGS: usize = 1_000_000;

/// Longest simulated span: 100 years keeps every instant a valid calendar date.
pub const MAX_DURATION: Seconds = 100 * 365 * 86_400;

/// Most instances a group may hold; far above the clouds' own quotas (Tencent: 2,000 per group)
/// and low enough that the engine's per-instance records stay small.
pub const MAX_GROUP_SIZE: u32 = 100_000;

/// Largest magnitude of any number in a scenario (prices, rates, thresholds, factors, shares):
/// far above any real fleet, small enough that every product the engine forms (rate x seconds
/// x instances) stays finite, so no output ever reads `inf`.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// Smallest positive number accepted where a value must be positive (a capacity of 1e-300
/// requests per second would make every utilization infinite).
pub const MIN_POSITIVE: f64 = 1e-9;

/// Most scheduled firings of all tasks of a scenario together: each costs about 4 µs to find
/// (cron arithmetic in the task's time zone), so validation stays under 10 s.
pub const MAX_TOTAL_FIRINGS: usize = 2_000_000;

/// Seeds of `run --replications`, as for a sweep point.
pub const REPLICATIONS: std::ops::RangeInclusive<u32> = 1..=10_000;

/// Largest `[sweep] max_points` accepted: the grid is indexed, never stored, but each point is
/// a run.
pub const MAX_POINTS: u64 = 1_000_000_000;

/// Most values one sweep parameter may list or generate (they are stored).
pub const MAX_PARAMETER_VALUES: u64 = 1_000_000;

/// Most instances a run may be expected to replace (failures from `health.mtbf` and
/// reclamations from `reclaim_rate`, at the group's max over the whole run): each launch is
/// an instance record, so this bounds the run's memory (about 100 bytes each).
pub const MAX_EXPECTED_REPLACEMENTS: f64 = 5_000_000.0;

/// Deepest nesting of keys, arrays and inline tables in a scenario file (the TOML parser
/// recurses on it).
pub const MAX_NESTING: usize = 32;

/// Largest sweep grid accepted unless `[sweep] max_points` raises it.
pub const DEFAULT_MAX_POINTS: u64 = 1_000_000;

/// Replications per sweep point (`[sweep] replications`).
pub const SWEEP_REPLICATIONS: std::ops::RangeInclusive<u32> = 1..=10_000;

/// Percent changes of a rule (`change_percent`): at most a full scale-in, at most 100x growth.
pub const PERCENT_CHANGE: std::ops::RangeInclusive<f64> = -100.0..=10_000.0;

/// Most zones a group lists, and zones a stock table names (AWS regions have up to 6
/// Availability Zones; ESS takes up to 8 vSwitches, Tencent 20 subnets... kept well above).
pub const MAX_ZONES: usize = 32;
