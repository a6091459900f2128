//! The scaling activity history: every decision the engine takes, kept for reports.

use crate::model::Scenario;
use crate::number::trim_float;
use crate::scaling::Decision;
use crate::time::{Seconds, SimTime, format_duration};

/// What set an activity in motion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// An alarm task held for its consecutive periods and ran a rule.
    Alarm {
        /// Alarm index within the group.
        alarm: usize,
        /// Rule index within the group.
        rule: usize,
    },
    /// A scheduled task fired.
    Scheduled {
        /// Task index within the group.
        task: usize,
    },
    /// A target-tracking rule's generated alarm.
    TargetTracking {
        /// Index into the group's target-tracking rules (the first of several that agreed).
        rule: usize,
    },
    /// The group's predictive rule.
    Predictive,
    /// The group's HPA rule.
    Hpa,
    /// The group replaces an instance it lost (no cooldown, no gate).
    Replacement {
        /// What happened to the instance.
        reason: ReplacementReason,
    },
    /// Zone rebalancing (AWS `AZRebalance`): launches in the smallest zones, then the
    /// termination of as many in the largest once they are in service.
    Rebalance,
}

/// Why an instance needs a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplacementReason {
    /// A preemptible instance got its reclaim notice.
    Reclaimed,
    /// The health check found a failed instance.
    Unhealthy,
    /// An earlier replacement found no stock; the group tries again.
    Shortfall,
    /// A launching lifecycle hook abandoned an instance.
    Abandoned,
    /// Tencent's retry policy launches again after a scale-out short of stock.
    Retry,
}

/// Instances of one type and market launched by an activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launch {
    /// Index into the scenario's instance types.
    pub instance_type: usize,
    /// Its zone, as an index into the group's `zones`.
    pub zone: usize,
    /// Preemptible rather than pay-as-you-go.
    pub preemptible: bool,
    /// How many.
    pub count: u32,
}

impl Cause {
    /// Human text, e.g. `alarm cpu-high -> rule add-two`.
    pub fn describe(&self, scenario: &Scenario, group: usize) -> String {
        let group = &scenario.groups[group];
        match *self {
            Cause::Alarm { alarm, rule } => format!(
                "alarm {} -> rule {}",
                group.alarms[alarm].name, group.rules[rule].name
            ),
            Cause::Scheduled { task } => format!("scheduled {}", group.scheduled[task].name),
            Cause::TargetTracking { rule } => {
                format!("target tracking {}", group.target_tracking[rule].name)
            }
            Cause::Predictive => format!(
                "predictive {}",
                group
                    .predictive
                    .as_ref()
                    .map_or("", |rule| rule.name.as_str())
            ),
            Cause::Hpa => format!(
                "hpa {}",
                group.hpa.as_ref().map_or("", |rule| rule.name.as_str())
            ),
            Cause::Replacement { reason } => match reason {
                ReplacementReason::Reclaimed => "replacement (reclaimed)".into(),
                ReplacementReason::Unhealthy => "replacement (unhealthy)".into(),
                ReplacementReason::Shortfall => "replacement (retry after no stock)".into(),
                ReplacementReason::Abandoned => {
                    "replacement (abandoned by a launching hook)".into()
                }
                ReplacementReason::Retry => "retry policy (scale-out short of stock)".into(),
            },
            Cause::Rebalance => "zone rebalancing".into(),
        }
    }
}

/// How a trigger ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityStatus {
    /// Capacity changed and every launch or termination finished.
    Successful,
    /// Still launching when the run ended.
    InProgress,
    /// Some launches found no stock: the group holds what launched (ESS "partially
    /// successful"; desired capacity drops to it).
    PartialSuccess,
    /// Rejected: the group was in its cooldown.
    RejectedCooldown,
    /// Rejected: another activity was in progress (one at a time per group: ESS, Tencent).
    RejectedBusy,
    /// Another trigger at the same instant left a larger capacity (AWS) and won.
    Superseded,
    /// The rule ran but desired capacity was already where it would put it.
    NoChange,
    /// Could not run: launch expiration passed, or bounds conflicted.
    Failed,
}

/// Every status, in declaration order.
const ALL_STATUSES: [ActivityStatus; 8] = [
    ActivityStatus::Successful,
    ActivityStatus::InProgress,
    ActivityStatus::PartialSuccess,
    ActivityStatus::RejectedCooldown,
    ActivityStatus::RejectedBusy,
    ActivityStatus::Superseded,
    ActivityStatus::NoChange,
    ActivityStatus::Failed,
];

impl ActivityStatus {
    /// Lowercase name used in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Successful => "successful",
            ActivityStatus::InProgress => "in_progress",
            ActivityStatus::PartialSuccess => "partially_successful",
            ActivityStatus::RejectedCooldown => "rejected_cooldown",
            ActivityStatus::RejectedBusy => "rejected_busy",
            ActivityStatus::Superseded => "superseded",
            ActivityStatus::NoChange => "no_change",
            ActivityStatus::Failed => "failed",
        }
    }

    /// The status named `name` (as [`ActivityStatus::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        ALL_STATUSES
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// Whether the trigger changed capacity (a scaling activity in the clouds' sense).
    pub fn is_activity(self) -> bool {
        matches!(
            self,
            ActivityStatus::Successful
                | ActivityStatus::InProgress
                | ActivityStatus::PartialSuccess
        )
    }
}

/// Why a trigger ended as it did, beyond its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Note {
    /// Nothing to add.
    #[default]
    None,
    /// Lost to a trigger leaving a larger capacity.
    Superseded,
    /// Another activity was in progress.
    Busy,
    /// The cooldown had this long to run.
    Cooldown {
        /// Seconds left.
        remaining: Seconds,
    },
    /// The launch expiration passed while the group was busy.
    Expired {
        /// The task's launch expiration.
        expiration: Seconds,
    },
    /// A scheduled task would have set min above max.
    BoundsConflict {
        /// Requested min.
        min: u32,
        /// Effective max.
        max: u32,
    },
    /// A scheduled task set the bounds and desired capacity.
    SetCapacity {
        /// New min.
        min: u32,
        /// New max.
        max: u32,
        /// Desired as requested, if any.
        desired: Option<u32>,
    },
    /// The run ended while the firing waited.
    RunEnded,
    /// A scheduled task made this scaling configuration the active one.
    Activated {
        /// Configuration index within the group.
        configuration: usize,
    },
}

/// One entry of the activity history. Details are kept as numbers and rendered on demand by
/// [`ScalingActivity::detail`], so recording thousands of rejected triggers stays cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingActivity {
    /// Group index.
    pub group: usize,
    /// What triggered it.
    pub cause: Cause,
    /// When the trigger arrived (a scheduled firing that failed: when it fired).
    pub start: SimTime,
    /// When the last launched instance entered service or the last one was removed.
    pub end: Option<SimTime>,
    /// Desired capacity before.
    pub from: u32,
    /// Desired capacity after (equal to `from` unless the trigger ran).
    pub to: u32,
    /// Outcome.
    pub status: ActivityStatus,
    /// For alarms: the datapoint that completed the breach (`None`: missing data).
    pub datapoint: Option<f64>,
    /// The rule computation, when a rule ran.
    pub decision: Option<Decision>,
    /// How long a scheduled firing waited for the group.
    pub waited: Seconds,
    /// Capacity units of protected instances kept although desired dropped below them.
    pub protected_kept: u32,
    /// Units kept above desired because removing any instance left would undershoot it, and
    /// the weight of the instance that would have gone.
    pub weight_kept: Option<(u32, u32)>,
    /// The gate or other circumstance.
    pub note: Note,
    /// How a self-driven rule (target tracking, HPA, predictive) computed its capacity;
    /// empty for the others, whose reasons are structured above.
    pub reason: String,
    /// Instances launched (ids within the group).
    pub launched: Vec<u32>,
    /// Instances terminated (ids within the group).
    pub terminated: Vec<u32>,
    /// What the launches were, by type and market, in launch order.
    pub launches: Vec<Launch>,
    /// Instance types a launch skipped for lack of stock (or a spot price above the bid), with
    /// the zone (an index into the group's `zones`).
    pub out_of_stock: Vec<(usize, usize)>,
    /// Capacity units that found no stock in any type.
    pub no_stock: u32,
    /// Instances started from the warm pool among `launched`.
    pub from_pool: u32,
    /// Instances a scale-in returned to the warm pool among `terminated`.
    pub to_pool: u32,
}

impl ScalingActivity {
    /// A record of a trigger that changed nothing, at `start`, with desired `desired`.
    pub fn unchanged(
        group: usize,
        cause: Cause,
        start: SimTime,
        desired: u32,
        status: ActivityStatus,
    ) -> Self {
        ScalingActivity {
            group,
            cause,
            start,
            end: Some(start),
            from: desired,
            to: desired,
            status,
            datapoint: None,
            decision: None,
            waited: 0,
            protected_kept: 0,
            weight_kept: None,
            note: Note::None,
            reason: String::new(),
            launched: Vec::new(),
            terminated: Vec::new(),
            launches: Vec::new(),
            out_of_stock: Vec::new(),
            no_stock: 0,
            from_pool: 0,
            to_pool: 0,
        }
    }

    /// Counts one launch in `launches`, merged with the last when it is alike.
    pub(super) fn note_launch(&mut self, instance_type: usize, zone: usize, preemptible: bool) {
        match self.launches.last_mut() {
            Some(launch)
                if launch.instance_type == instance_type
                    && launch.zone == zone
                    && launch.preemptible == preemptible =>
            {
                launch.count += 1
            }
            _ => self.launches.push(Launch {
                instance_type,
                zone,
                preemptible,
                count: 1,
            }),
        }
    }

    /// Why, in words: the alarm reading, the computation and the gate, e.g.
    /// `cpu average 85.2 > 80 for 3 period(s) of 1m; change +2: 2 -> 4`.
    pub fn detail(&self, scenario: &Scenario) -> String {
        let group = &scenario.groups[self.group];
        let mut parts = Vec::new();
        if self.waited > 0 {
            parts.push(format!(
                "waited {} for the group",
                format_duration(self.waited)
            ));
        }
        match self.cause {
            Cause::Alarm { alarm, .. } => {
                let alarm = &group.alarms[alarm];
                let (metric, statistic) = (alarm.metric.as_str(), alarm.statistic.as_str());
                let held = match alarm.datapoints.filter(|m| *m < alarm.periods) {
                    Some(datapoints) => format!("in {datapoints} of {}", alarm.periods),
                    None => format!("for {}", alarm.periods),
                };
                let mut reading = format!(
                    "{metric} {statistic} {} {} {} {held} period(s) of {}",
                    self.datapoint.map_or("n/a".into(), trim_float),
                    alarm.comparison.symbol(),
                    trim_float(alarm.threshold),
                    format_duration(alarm.period)
                );
                if let Some(interval) = alarm.interval {
                    reading += &format!(" evaluated every {}", format_duration(interval));
                }
                if let Some(treatment) = alarm.missing_data {
                    reading += &format!(" (missing data: {})", treatment.as_str());
                }
                parts.push(reading);
            }
            Cause::Scheduled { task } => {
                if let crate::model::TaskAction::RunRule(rule) = group.scheduled[task].action
                    && self.decision.is_some()
                {
                    parts.push(format!("rule {}", group.rules[rule].name));
                }
            }
            Cause::TargetTracking { .. }
            | Cause::Predictive
            | Cause::Hpa
            | Cause::Replacement { .. }
            | Cause::Rebalance => {}
        }
        if !self.reason.is_empty() {
            parts.push(self.reason.clone());
        }
        if let Some(decision) = &self.decision {
            parts.push(decision.explain());
        }
        match self.note {
            Note::None => {}
            Note::Superseded => parts.push("another trigger left a larger capacity".into()),
            Note::Busy => parts.push("an activity is in progress".into()),
            Note::Cooldown { remaining } => parts.push(format!(
                "in cooldown for {} more",
                format_duration(remaining)
            )),
            Note::Expired { expiration } => parts.push(format!(
                "launch expiration of {} passed while the group was busy",
                format_duration(expiration)
            )),
            Note::BoundsConflict { min, max } => {
                parts.push(format!("min {min} would be above max {max}"))
            }
            Note::SetCapacity { min, max, desired } => parts.push(format!(
                "set min {min}, max {max}, desired {}: {} -> {}",
                desired.map_or("unchanged".to_string(), |value| value.to_string()),
                self.from,
                self.to
            )),
            Note::RunEnded => {
                parts.push("the run ended while the task waited for the group".into())
            }
            Note::Activated { configuration } => parts.push(format!(
                "scaling configuration {} is now active",
                group.configurations[configuration].name
            )),
        }
        // A zone is named only where the group has a choice of zones.
        let zoned = group.zones.len() > 1;
        let in_zone = |zone: usize| {
            if zoned {
                format!(" in {}", scenario.zones[group.zones[zone]])
            } else {
                String::new()
            }
        };
        if !self.out_of_stock.is_empty() {
            let names: Vec<String> = self
                .out_of_stock
                .iter()
                .map(|(index, zone)| {
                    format!("{}{}", scenario.instance_types[*index].name, in_zone(*zone))
                })
                .collect();
            parts.push(format!("no stock: {}", names.join(", ")));
        }
        // Which type and market launched says something only when there was a choice.
        let choice = zoned
            || group.mix.is_some()
            || group
                .configurations
                .iter()
                .map(|configuration| configuration.instance_types.len())
                .sum::<usize>()
                > 1;
        if choice && !self.launches.is_empty() {
            let launched: Vec<String> = self
                .launches
                .iter()
                .map(|launch| {
                    format!(
                        "{} x {}{}{}",
                        launch.count,
                        scenario.instance_types[launch.instance_type].name,
                        if launch.preemptible {
                            " (preemptible)"
                        } else {
                            ""
                        },
                        in_zone(launch.zone)
                    )
                })
                .collect();
            parts.push(format!("launched {}", launched.join(", ")));
        }
        if self.from_pool > 0 {
            parts.push(format!("{} started from the warm pool", self.from_pool));
        }
        if self.to_pool > 0 {
            parts.push(format!("{} returned to the warm pool", self.to_pool));
        }
        if self.no_stock > 0 {
            parts.push(format!(
                "{} unit(s) found no stock in any instance type{}",
                self.no_stock,
                if zoned {
                    format!(
                        " in the zones zone_policy \"{}\" allowed",
                        group.zone_policy.as_str()
                    )
                } else {
                    String::new()
                }
            ));
        }
        if self.protected_kept > 0 {
            parts.push(format!(
                "{} protected unit(s) kept, group stays above desired",
                self.protected_kept
            ));
        }
        if let Some((units, weight)) = self.weight_kept
            && units > 0
        {
            parts.push(format!(
                "{units} unit(s) above desired kept: removing an instance of weight {weight} would go below it"
            ));
        }
        parts.join("; ")
    }
}
