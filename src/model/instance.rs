//! Instance types: capacity, price, boot time and preemptible (spot) offers.

use crate::time::{Seconds, SimTime};

/// A machine type with its capacity, price and timings.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceType {
    /// Name as written in the scenario.
    pub name: String,
    /// Requests per second one instance serves at 100% CPU (> 0).
    pub capacity_rps: f64,
    /// Pay-as-you-go price per hour (>= 0).
    pub price_per_hour: f64,
    /// From launch to in service (booting, billed, serving nothing).
    pub boot_time: Seconds,
    /// Billing rounds each life up to a multiple of this (>= 1 s).
    pub billing_granularity: Seconds,
    /// Least billed span of an instance launched during the run (AWS Linux: 60 s).
    pub billing_minimum: Seconds,
    /// Capacity units one instance counts for toward desired capacity (AWS
    /// `WeightedCapacity`; 1 makes desired capacity a number of instances).
    pub weight: u32,
    /// Most pay-as-you-go instances of this type running at once in a zone, across the
    /// scenario's groups (the zone's stock); a launch beyond it falls back to the next type
    /// (ESS multi-instance-type configuration), then to the next zone.
    pub stock: PerZone<Option<u32>>,
    /// Chance that one launch of this type in a zone finds no stock (seeded), then falls back
    /// likewise.
    pub no_stock_probability: PerZone<f64>,
    /// The preemptible (spot) market for this type, when it has one.
    pub preemptible: Option<Preemptible>,
}

/// A value written once for every zone (`stock = 10`) or zone by zone (`stock = { "ap-1" =
/// 10, "ap-2" = 0 }`): stock and no-stock chances are per zone (AWS capacity is per
/// Availability Zone; ESS and Tencent report stock per zone).
#[derive(Debug, Clone, PartialEq)]
pub enum PerZone<T> {
    /// The same in every zone.
    Every(T),
    /// Zone by zone, indexed like `Scenario::zones`.
    Each(Vec<T>),
}

impl<T: Copy> PerZone<T> {
    /// The value in zone `zone` (an index into `Scenario::zones`).
    pub fn get(&self, zone: usize) -> T {
        match self {
            PerZone::Every(value) => *value,
            PerZone::Each(values) => values[zone],
        }
    }
}

/// A preemptible (spot) offer of an instance type: cheaper, and reclaimable by the cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct Preemptible {
    /// Share off the pay-as-you-go price (0..1) while no price trace is given.
    pub discount: f64,
    /// What makes the cloud take instances back.
    pub reclamation: Reclamation,
    /// Most preemptible instances of the type running at once in a zone (spot capacity is a
    /// pool of its own per zone, AWS "Spot capacity pools").
    pub stock: PerZone<Option<u32>>,
    /// Warning before a reclaimed instance is released (AWS: 2 minutes; the group launches
    /// the replacement at the notice, as AWS capacity rebalancing and ESS `SpotInstanceRemedy`).
    pub notice: Seconds,
}

/// How preemptible instances get reclaimed.
#[derive(Debug, Clone, PartialEq)]
pub enum Reclamation {
    /// Each running preemptible instance is reclaimed at this rate per hour (a Poisson
    /// process, seeded: AWS publishes interruption frequency bands per type).
    Rate(f64),
    /// The market price over time (piecewise constant from each point on, in time order,
    /// the first at 0): instances are billed at it, and all of them are reclaimed when it
    /// rises above the bid (ESS `SpotPriceLimit`, AWS spot before 2017).
    PriceTrace {
        /// (from, price per hour).
        points: Vec<(SimTime, f64)>,
        /// Highest price the group pays.
        bid: f64,
    },
}

impl Preemptible {
    /// Price per hour at `time` of a preemptible instance whose pay-as-you-go price is
    /// `on_demand`.
    pub fn price_at(&self, on_demand: f64, time: SimTime) -> f64 {
        match &self.reclamation {
            Reclamation::Rate(_) => on_demand * (1.0 - self.discount),
            Reclamation::PriceTrace { points, .. } => {
                let index = points.partition_point(|(from, _)| *from <= time);
                points[index.saturating_sub(1)].1
            }
        }
    }

    /// Money for `seconds` billed from `from`: the discounted price, or the integral of the
    /// price trace over the span (AWS bills spot at the price in effect).
    pub fn cost(&self, on_demand: f64, from: SimTime, seconds: Seconds) -> f64 {
        match &self.reclamation {
            Reclamation::Rate(_) => crate::billing::cost(seconds, self.price_at(on_demand, from)),
            Reclamation::PriceTrace { points, .. } => {
                let to = from + seconds;
                let mut total = 0.0;
                for (index, (start, price)) in points.iter().enumerate() {
                    let end = points.get(index + 1).map_or(SimTime::MAX, |next| next.0);
                    let (low, high) = ((*start).max(from), end.min(to));
                    if low < high {
                        total += crate::billing::cost(high - low, *price);
                    }
                }
                total
            }
        }
    }
}
