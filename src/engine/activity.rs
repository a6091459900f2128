//! The scaling activity history: every decision the engine takes, kept for reports.

use crate::model::Scenario;
use crate::time::SimTime;

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

impl ActivityStatus {
    /// Lowercase name used in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Successful => "successful",
            ActivityStatus::InProgress => "in_progress",
            ActivityStatus::RejectedCooldown => "rejected_cooldown",
            ActivityStatus::RejectedBusy => "rejected_busy",
            ActivityStatus::Superseded => "superseded",
            ActivityStatus::NoChange => "no_change",
            ActivityStatus::Failed => "failed",
        }
    }

    /// Whether the trigger changed capacity (a scaling activity in the clouds' sense).
    pub fn is_activity(self) -> bool {
        matches!(self, ActivityStatus::Successful | ActivityStatus::InProgress)
    }
}

/// One entry of the activity history.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalingActivity {
    /// Group index.
    pub group: usize,
    /// What triggered it.
    pub cause: Cause,
    /// When the trigger arrived (for retried scheduled tasks: when it finally ran or failed).
    pub start: SimTime,
    /// When the last launched instance entered service or the last one was removed.
    pub end: Option<SimTime>,
    /// Desired capacity before.
    pub from: u32,
    /// Desired capacity after (equal to `from` unless the trigger ran).
    pub to: u32,
    /// Outcome.
    pub status: ActivityStatus,
    /// Why: metric values, the rule's computation, the gate that stopped it.
    pub detail: String,
    /// Instances launched (ids within the group).
    pub launched: Vec<u32>,
    /// Instances terminated (ids within the group).
    pub terminated: Vec<u32>,
}
