//! What a metric period adds up to, in one place for both loops: the general loop
//! (`integrate` and `close_period` in `mod.rs`: any number of groups, events inside a period)
//! and the quiet loop (`quiet.rs`: whole periods of one group at constant capacity) call
//! these, so a change to how a period is judged is made once and the loops stay equal to the
//! bit (`tests/it/quiet.rs` and the property tests hold them to it).

use super::TimelineSink;
use super::outcome::TimelineRow;

/// Whether `load` breaks the utilization SLA on `capacity` (`serving` instances):
/// `utilization_limit` is `max_utilization` with `number::ABOVE` folded in. Without serving
/// capacity any load does.
#[inline(always)]
pub(super) fn violates(load: f64, capacity: f64, serving: u32, utilization_limit: f64) -> bool {
    if serving > 0 {
        load > utilization_limit * capacity
    } else {
        load > 0.0
    }
}

/// Requests above capacity over `dt` seconds, when there are any.
#[inline(always)]
pub(super) fn unserved(load: f64, capacity: f64, dt: f64) -> Option<f64> {
    (load > capacity).then_some((load - capacity) * dt)
}

/// Served requests over available capacity, from the integrals `served` and `capacity x dt`:
/// the CPU utilization of every in-service instance, weighted by how long each served.
#[inline(always)]
pub(super) fn utilization(load: f64, capacity: f64, dt: f64, capacity_total: f64) -> f64 {
    (load.min(capacity) * dt) / capacity_total
}

/// Instances a load needs at the SLA's utilization (`usable` requests per second per
/// instance), rounded up without a libm call: this runs every period.
#[inline(always)]
pub(super) fn demand_units(load: f64, usable: f64) -> u32 {
    let demand = load / usable;
    let whole = demand as u32;
    whole.saturating_add(u32::from((whole as f64) < demand))
}

/// Hands a period's timeline row on: to the sink while the run goes, the last period's kept
/// for the finish (whose events may still change its row).
#[inline(always)]
pub(super) fn emit(
    sink: &mut dyn TimelineSink,
    last_rows: &mut Vec<TimelineRow>,
    last_period: bool,
    row: TimelineRow,
) {
    if last_period {
        last_rows.push(row);
    } else {
        sink.row(&row);
    }
}
