//! SPEC Research Group elasticity metrics, from the demand and supply curves of a run.
//!
//! Definitions (Herbst et al., "Quantifying Cloud Performance and Dependability", ACM TOMPECS
//! 2018; docs/semantics.md, "SLA and metrics"), on the metric-period grid: demand `d_t` is the
//! fewest instances that keep utilization at or under the SLA threshold, `ceil(load / (capacity
//! x threshold))`; supply `s_t` the instances in service. ε, the floor of a relative error's
//! denominator, is one instance, so an idle period with nothing in demand is not a division by
//! zero.

use serde::Serialize;

/// Elasticity of one group over a run.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Elasticity {
    /// θ_U: mean relative shortfall, % (100/T Σ max(d - s, 0) / max(d, ε) Δt).
    pub theta_under: f64,
    /// θ_O: mean relative excess, % (can exceed 100).
    pub theta_over: f64,
    /// τ_U: share of time under-provisioned, %.
    pub tau_under: f64,
    /// τ_O: share of time over-provisioned, %.
    pub tau_over: f64,
    /// υ: share of time supply and demand move differently, %.
    pub instability: f64,
    /// Supply changes minus demand changes, per hour (< 0 sluggish, > 0 thrashing).
    pub jitter_per_hour: f64,
    /// Instance-hours of the perfect-knowledge fleet: exactly `d_t` in service, no boot, per
    /// second billing.
    pub oracle_instance_hours: f64,
    /// Instance-hours billed or booting beyond demand: Σ max(p_t - d_t, 0) Δt.
    pub idle_instance_hours: f64,
}

/// Metrics of `demand` and `supply` (in service) and `provisioned` (booting + in service)
/// per period of `period` seconds.
pub fn elasticity(demand: &[u32], supply: &[u32], provisioned: &[u32], period: u64) -> Elasticity {
    let mut curves = Curves::default();
    for ((d, s), p) in demand.iter().zip(supply).zip(provisioned) {
        curves.push(*d, *s, *p);
    }
    curves.elasticity(period)
}

/// The curves' sums, taken one period at a time, so a run keeps a few numbers instead of
/// three values per period: [`Curves::elasticity`] equals [`elasticity`] of the whole curves,
/// bit for bit (the same sums in the same order).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Curves {
    periods: usize,
    under: f64,
    over: f64,
    under_time: usize,
    over_time: usize,
    oracle: u64,
    idle: u64,
    unstable: usize,
    supply_changes: usize,
    demand_changes: usize,
    /// The previous period's demand and supply.
    last: Option<(u32, u32)>,
}

impl Curves {
    /// The next period: demand, supply (in service) and provisioned instances.
    #[inline]
    pub fn push(&mut self, demand: u32, supply: u32, provisioned: u32) {
        let (d, s) = (demand as f64, supply as f64);
        let scale = d.max(1.0);
        self.under += (d - s).max(0.0) / scale;
        self.over += (s - d).max(0.0) / scale;
        self.under_time += usize::from(d > s);
        self.over_time += usize::from(s > d);
        self.oracle += demand as u64;
        self.idle += provisioned.saturating_sub(demand) as u64;
        if let Some((last_demand, last_supply)) = self.last {
            let ds = supply.cmp(&last_supply);
            let dd = demand.cmp(&last_demand);
            self.unstable += usize::from(ds != dd);
            self.supply_changes += usize::from(ds.is_ne());
            self.demand_changes += usize::from(dd.is_ne());
        }
        self.last = Some((demand, supply));
        self.periods += 1;
    }

    /// The metrics of the periods pushed, each `period` seconds long.
    pub fn elasticity(&self, period: u64) -> Elasticity {
        let n = self.periods;
        if n == 0 {
            return Elasticity::default();
        }
        let hours = n as f64 * period as f64 / 3600.0;
        Elasticity {
            theta_under: 100.0 * self.under / n as f64,
            theta_over: 100.0 * self.over / n as f64,
            tau_under: 100.0 * self.under_time as f64 / n as f64,
            tau_over: 100.0 * self.over_time as f64 / n as f64,
            instability: if n > 1 {
                100.0 * self.unstable as f64 / (n - 1) as f64
            } else {
                0.0
            },
            jitter_per_hour: (self.supply_changes as f64 - self.demand_changes as f64) / hours,
            oracle_instance_hours: self.oracle as f64 * period as f64 / 3600.0,
            idle_instance_hours: self.idle as f64 * period as f64 / 3600.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A hand-built pair, one-hour periods: demand 2, 4, 4, 2; supply lags it by one period.
    #[test]
    fn metrics_of_a_lagging_supply() {
        let demand = [2, 4, 4, 2];
        let supply = [2, 2, 4, 4];
        let provisioned = [2, 4, 4, 4];
        let metrics = elasticity(&demand, &supply, &provisioned, 3600);
        // Shortfall only at t=1: (4-2)/4 = 0.5 -> 100 x 0.5 / 4 = 12.5%.
        assert_eq!(metrics.theta_under, 12.5);
        // Excess only at t=3: (4-2)/2 = 1 -> 25%.
        assert_eq!(metrics.theta_over, 25.0);
        assert_eq!((metrics.tau_under, metrics.tau_over), (25.0, 25.0));
        // Moves: demand +,0,-; supply 0,+,0: all three differ.
        assert_eq!(metrics.instability, 100.0);
        // One supply change, two demand changes, over 4 hours.
        assert_eq!(metrics.jitter_per_hour, -0.25);
        assert_eq!(metrics.oracle_instance_hours, 12.0);
        assert_eq!(metrics.idle_instance_hours, 2.0);
    }

    #[test]
    fn a_perfect_fleet_scores_zero() {
        let curve = [1, 3, 3, 0, 5];
        let metrics = elasticity(&curve, &curve, &curve, 60);
        assert_eq!(
            (
                metrics.theta_under,
                metrics.theta_over,
                metrics.tau_under,
                metrics.tau_over,
                metrics.instability,
                metrics.jitter_per_hour
            ),
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        );
    }
}
