//! The column names of every CSV file scaleplan writes, defined once: the writers emit these
//! headers and the readers (`plot`, `check`, `merge`) look columns up by these names, so a
//! renamed column cannot leave a reader behind. docs/scenario-format.md lists their meaning.

/// `timeline.csv`: one row per metric period and group.
pub mod timeline {
    /// Period start, RFC 3339.
    pub const TIME: &str = "time";
    /// Group name.
    pub const GROUP: &str = "group";
    /// Mean offered load in the period, requests per second.
    pub const LOAD_RPS: &str = "load_rps";
    /// Desired capacity at the period end.
    pub const DESIRED: &str = "desired";
    /// Capacity units booting at the period end.
    pub const PENDING: &str = "pending";
    /// Capacity units in service at the period end.
    pub const IN_SERVICE: &str = "in_service";
    /// In-service capacity at the period end, requests per second.
    pub const CAPACITY_RPS: &str = "capacity_rps";
    /// Mean utilization of in-service capacity (empty when none in service).
    pub const UTILIZATION: &str = "utilization";
    /// Seconds of the period in SLA violation.
    pub const VIOLATION_SECONDS: &str = "violation_seconds";
    /// Money billed up to the period end.
    pub const COST_SO_FAR: &str = "cost_so_far";
    /// The header, in order.
    pub const HEADER: [&str; 10] = [
        TIME,
        GROUP,
        LOAD_RPS,
        DESIRED,
        PENDING,
        IN_SERVICE,
        CAPACITY_RPS,
        UTILIZATION,
        VIOLATION_SECONDS,
        COST_SO_FAR,
    ];
}

/// `activities.csv`: the scaling activity history.
pub mod activities {
    /// When the trigger acted, RFC 3339.
    pub const START: &str = "start";
    /// When the activity completed (empty while in progress).
    pub const END: &str = "end";
    /// Group name.
    pub const GROUP: &str = "group";
    /// What triggered it.
    pub const CAUSE: &str = "cause";
    /// Desired capacity before.
    pub const FROM: &str = "from";
    /// Desired capacity after.
    pub const TO: &str = "to";
    /// An [`crate::engine::ActivityStatus`] name.
    pub const STATUS: &str = "status";
    /// The reading and the computation.
    pub const DETAIL: &str = "detail";
    /// Instance ids launched.
    pub const LAUNCHED: &str = "launched";
    /// Instance ids terminated.
    pub const TERMINATED: &str = "terminated";
    /// The header, in order.
    pub const HEADER: [&str; 10] = [
        START, END, GROUP, CAUSE, FROM, TO, STATUS, DETAIL, LAUNCHED, TERMINATED,
    ];
}

/// `instances.csv`: every instance's billed life.
pub mod instances {
    /// The header, in order: group, instance id, type, market, zone (empty for a group that
    /// lists none), launch, end, how it ended, billed seconds, cost.
    pub const HEADER: [&str; 10] = [
        "group",
        "instance",
        "instance_type",
        "market",
        "zone",
        "launched",
        "ended",
        "end",
        "billed_seconds",
        "cost",
    ];
}

/// `forecast.csv`: predictive scaling's hourly forecasts.
pub mod forecast {
    /// The header, in order: hour start, group, forecast peak, capacity, actual peak, error.
    pub const HEADER: [&str; 6] = [
        "hour_start",
        "group",
        "forecast_peak_rps",
        "capacity",
        "actual_peak_rps",
        "error_percent",
    ];
}

/// `compare.csv` (and the Markdown table): one row per policy.
pub mod compare {
    /// Policy name.
    pub const POLICY: &str = "policy";
    use crate::outputs::metrics;
    /// Money billed.
    pub const COST: &str = metrics::COST.name;
    /// Seconds in SLA violation.
    pub const SLA_VIOLATION_SECONDS: &str = metrics::SLA_VIOLATION_SECONDS.name;
    /// The header, in order.
    pub const HEADER: [&str; 20] = [
        POLICY,
        COST,
        "saving",
        "saving_percent",
        metrics::INSTANCE_HOURS.name,
        metrics::PEAK_IN_SERVICE.name,
        metrics::ACTIVITIES.name,
        SLA_VIOLATION_SECONDS,
        metrics::UNSERVED_REQUESTS.name,
        "p95_utilization",
        "oracle_cost",
        "booting_instance_hours",
        "reclaimed",
        "failed",
        "no_stock",
        "p95_latency_ms",
        "theta_under",
        "theta_over",
        "tau_under",
        "tau_over",
    ];

    /// What `HEADER`'s columns are, with units, for tables people read (compare.md): the
    /// same columns in the same order.
    pub fn headings(currency: &str) -> [String; 20] {
        [
            "policy".to_string(),
            format!("cost ({currency})"),
            format!("saving ({currency})"),
            "saving (%)".to_string(),
            "instance-hours".to_string(),
            "peak in service (units)".to_string(),
            "activities".to_string(),
            "SLA violation (s)".to_string(),
            "unserved requests".to_string(),
            "p95 utilization (ratio)".to_string(),
            format!("oracle cost ({currency})"),
            "booting instance-hours".to_string(),
            "reclaimed".to_string(),
            "failed".to_string(),
            "no stock (units)".to_string(),
            "p95 latency (ms)".to_string(),
            "θ_U (%)".to_string(),
            "θ_O (%)".to_string(),
            "τ_U (%)".to_string(),
            "τ_O (%)".to_string(),
        ]
    }
}
