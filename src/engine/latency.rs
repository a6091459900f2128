//! Response times of a group under the scenario's latency model (docs/semantics.md, "SLA and
//! metrics"): each stretch of constant load and fleet is a steady-state queue (M/M/1 per
//! instance behind round-robin, or M/M/c for the group, Erlang C), and the run's percentiles
//! are those of the mixture of these distributions, weighted by the requests each served.

use crate::engine::outcome::LatencyPercentiles;
use crate::model::{LatencyModel, LatencyTarget};
use crate::scaling::queueing::{ResponseTime, quantile_of};
use std::collections::BTreeMap;

/// One queue: arrival rate, per-server service rate and servers (as bits: an exact key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Regime {
    lambda: u64,
    mu: u64,
    servers: u32,
}

impl Regime {
    /// The queue a group with `load` over `servers` in-service instances of total `capacity`
    /// forms; load goes to instances in proportion to capacity, so one mean instance stands
    /// for all.
    pub fn new(model: LatencyModel, load: f64, capacity: f64, servers: u32) -> Self {
        let mu = capacity / servers as f64;
        let (lambda, servers) = match model {
            LatencyModel::PerInstance => (load / servers as f64, 1),
            LatencyModel::Pooled => (load, servers),
        };
        Regime {
            lambda: lambda.to_bits(),
            mu: mu.to_bits(),
            servers,
        }
    }

    fn response_time(self) -> Option<ResponseTime> {
        ResponseTime::new(
            f64::from_bits(self.lambda),
            f64::from_bits(self.mu),
            self.servers,
        )
    }
}

/// Served requests per regime over a run (ordered: sums are deterministic).
#[derive(Debug, Clone, Default)]
pub(super) struct Mix {
    weights: BTreeMap<Regime, f64>,
    /// The last regime judged against the target, and the verdict.
    last: Option<(Regime, bool)>,
}

impl Mix {
    /// Counts `requests` served in `regime`.
    pub fn add(&mut self, regime: Regime, requests: f64) {
        if requests > 0.0 {
            *self.weights.entry(regime).or_insert(0.0) += requests;
        }
    }

    /// Adds another group's requests (for the total).
    pub fn merge(&mut self, other: &Mix) {
        for (regime, weight) in &other.weights {
            *self.weights.entry(*regime).or_insert(0.0) += weight;
        }
    }

    /// Whether the target's percentile is above its bound in `regime` (an unstable queue
    /// always breaches).
    pub fn breaches(&mut self, regime: Regime, target: LatencyTarget) -> bool {
        if let Some((last, verdict)) = self.last
            && last == regime
        {
            return verdict;
        }
        let verdict = regime
            .response_time()
            .is_none_or(|time| time.quantile(target.percentile) > target.max_seconds);
        self.last = Some((regime, verdict));
        verdict
    }

    /// p50, p95 and p99 of the mixture; requests served by an unstable queue count as
    /// unbounded.
    pub fn percentiles(&self) -> LatencyPercentiles {
        let total: f64 = self.weights.values().sum();
        let stable: Vec<(ResponseTime, f64)> = self
            .weights
            .iter()
            .filter_map(|(regime, weight)| regime.response_time().map(|time| (time, *weight)))
            .collect();
        let stable_weight: f64 = stable.iter().map(|(_, weight)| weight).sum();
        let scale = stable
            .iter()
            .map(|(time, _)| time.quantile(0.5))
            .fold(f64::INFINITY, f64::min);
        let quantile = |q: f64| {
            (total > 0.0 && stable_weight >= q * total).then(|| {
                let cdf = |t: f64| {
                    stable
                        .iter()
                        .map(|(time, weight)| weight * (1.0 - time.tail(t)))
                        .sum::<f64>()
                        / total
                };
                quantile_of(cdf, q, scale)
            })
        };
        LatencyPercentiles {
            p50: quantile(0.5),
            p95: quantile(0.95),
            p99: quantile(0.99),
        }
    }
}
