//! The end of a run: instances billed to the end, summaries and percentiles assembled.

use super::*;

impl Simulation<'_, '_> {
    pub(super) fn finish(mut self) -> Outcome {
        let end = self.scenario.duration;
        // Firings still waiting when the run ends never ran.
        for group_index in 0..self.groups.len() {
            while let Some(Waiting {
                task: task_index,
                fired,
            }) = self.groups[group_index].waiting.pop_front()
            {
                let cause = Cause::Scheduled { task: task_index };
                let desired = self.groups[group_index].desired;
                let mut activity = ScalingActivity::unchanged(
                    group_index,
                    cause,
                    fired,
                    desired,
                    ActivityStatus::Failed,
                );
                activity.end = None;
                activity.note = Note::RunEnded;
                self.record(activity);
            }
        }
        let mut instances = Vec::new();
        let mut summaries = Vec::with_capacity(self.groups.len());
        for (group_index, (state, group)) in self
            .groups
            .iter_mut()
            .zip(&self.scenario.groups)
            .enumerate()
        {
            let (mut billed_total, mut cost) = (0, 0.0);
            for (id, instance) in state.fleet.instances.iter_mut().enumerate() {
                if instance.state != InstanceState::Terminated {
                    instance.ended_at = end;
                }
                if matches!(
                    instance.state,
                    InstanceState::Warm | InstanceState::Initializing
                ) {
                    instance.end = EndReason::InWarmPool;
                }
                let billed = instance.billed_seconds(self.scenario, instance.ended_at);
                // Time stopped in a warm pool is billed at the pool's price.
                let stopped = group.warm_pool.as_ref().map_or(0.0, |pool| {
                    crate::billing::cost(
                        instance.stopped_until(instance.ended_at),
                        pool.stopped_price_per_hour,
                    )
                });
                let instance_cost = instance.cost(self.scenario, billed) + stopped;
                billed_total += billed;
                cost += instance_cost;
                if !self.options.history {
                    continue;
                }
                instances.push(InstanceRecord {
                    group: group_index,
                    id: id as u32,
                    instance_type: instance.instance_type,
                    preemptible: instance.preemptible,
                    zone: self.scenario.groups[group_index].zones[instance.zone],
                    launched_at: instance.launched_at,
                    ended_at: instance.ended_at,
                    end: instance.end,
                    billed_seconds: billed,
                    cost: instance_cost,
                });
            }
            let mut summary = std::mem::take(&mut state.summary);
            summary.cost = cost;
            summary.instance_hours = billed_total as f64 / 3600.0;
            summary.peak_in_service = state.run.peak_in_service;
            summary.mean_in_service = state.run.in_service_seconds as f64 / end as f64;
            summary.peak_instances = state.run.peak_serving;
            summary.mean_instances = state.run.serving_seconds as f64 / end as f64;
            summary.sla_violation_seconds = state.run.sla_violation_seconds;
            summary.unserved_requests = state.run.unserved_requests;
            summary.offered_requests = state.offered_requests(&self.load.values, self.scenario);
            let skipped = &state.history.skipped;
            let (series, share) = (&self.load.values, state.load_share);
            let dt = self.scenario.metric_period as f64;
            summary.p95_utilization = state.history.utilization_samples.percentile_with(
                0.95,
                skipped.periods(),
                |threshold, emit| skipped.reveal(series, share, dt, threshold, emit),
            );
            summary.forecast_mape = forecast_mape(&self.forecasts, group_index);
            summary.booting_instance_hours =
                (state.run.alive_seconds - state.run.in_service_seconds) as f64 / 3600.0;
            if self.scenario.sla.latency_model.is_some() {
                summary.latency = Some(state.run.latency.percentiles());
            }
            if self.options.history {
                let metrics = state.history.curves.elasticity(self.scenario.metric_period);
                // The oracle runs the start's first type, pay-as-you-go, per capacity unit.
                let first = &self.scenario.instance_types
                    [group.configurations[group.active_configuration].instance_types[0]];
                summary.oracle_cost = Some(
                    metrics.oracle_instance_hours * first.price_per_hour / first.weight as f64,
                );
                summary.elasticity = Some(metrics);
            }
            summary.launched = state
                .fleet
                .instances
                .iter()
                .filter(|i| i.launched_in_run)
                .count() as u32;
            summary.terminated = state
                .fleet
                .instances
                .iter()
                .filter(|i| i.state == InstanceState::Terminated)
                .count() as u32;
            // The last period's running cost also carries the rounding of instances still
            // running at the end, so the timeline ends at the billed total.
            if let Some(row) = self
                .last_rows
                .iter_mut()
                .find(|row| row.group == group_index)
            {
                row.cost_so_far = summary.cost;
            }
            summaries.push(summary);
        }
        for row in &self.last_rows {
            self.sink.row(row);
        }
        let mut total = GroupSummary {
            name: "total".into(),
            peak_in_service: self.total_peak_in_service,
            peak_instances: self.total_peak_serving,
            sla_violation_seconds: self.any_violation_seconds,
            p95_utilization: if summaries.len() == 1 {
                summaries[0].p95_utilization
            } else {
                self.total_utilization_samples.percentile(0.95)
            },
            ..GroupSummary::default()
        };
        for summary in &summaries {
            total.cost += summary.cost;
            total.instance_hours += summary.instance_hours;
            total.mean_in_service += summary.mean_in_service;
            total.mean_instances += summary.mean_instances;
            total.activities += summary.activities;
            total.rejected_by_cooldown += summary.rejected_by_cooldown;
            total.rejected_busy += summary.rejected_busy;
            total.failed_tasks += summary.failed_tasks;
            total.failed_launches += summary.failed_launches;
            total.launched += summary.launched;
            total.terminated += summary.terminated;
            total.unserved_requests += summary.unserved_requests;
            total.offered_requests += summary.offered_requests;
            total.booting_instance_hours += summary.booting_instance_hours;
            total.reclaimed += summary.reclaimed;
            total.failed += summary.failed;
            total.no_stock += summary.no_stock;
        }
        total.oracle_cost = summaries.iter().map(|summary| summary.oracle_cost).sum();
        if self.scenario.sla.latency_model.is_some() {
            let mut all = latency::Mix::default();
            for state in &self.groups {
                all.merge(&state.run.latency);
            }
            total.latency = Some(all.percentiles());
        }
        // Activities by start (a failed firing is recorded when it gives up, but it started
        // when it fired); a stable sort keeps the order they happened in at equal starts.
        let mut activities = self.activities;
        activities.sort_by_key(|activity| activity.start);
        Outcome {
            groups: summaries,
            total,
            activities,
            forecasts: self.forecasts,
            timeline: Vec::new(),
            instances,
        }
    }
}

/// Mean absolute percentage error of a group's forecast hours (hours with no load skipped).
fn forecast_mape(forecasts: &[ForecastPoint], group: usize) -> Option<f64> {
    let errors: Vec<f64> = forecasts
        .iter()
        .filter(|point| point.group == group && point.actual_rps > 0.0)
        .map(|point| (point.forecast_rps - point.actual_rps).abs() / point.actual_rps)
        .collect();
    (!errors.is_empty()).then(|| 100.0 * errors.iter().sum::<f64>() / errors.len() as f64)
}
