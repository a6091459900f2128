//! The scenario file as written: serde structs mirroring the TOML, nothing more.
//!
//! Every struct denies unknown keys (a typo must not silently become a default) and no struct
//! uses `flatten`, which would disable both that check and spans. Scalars that need parsing
//! (durations, times of day, date-times) parse in their own `Deserialize`, so a bad value is
//! reported by toml at its exact span. Values checked against others later are `Spanned`.

use crate::time::{Seconds, parse_duration};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use toml::Spanned;

/// A duration such as "90s", "5m", "2h", "7d".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration(pub Seconds);

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = match TextOrNumber::deserialize(deserializer)? {
            TextOrNumber::Text(text) => text,
            // A bare number has no unit: say which two the user may have meant.
            TextOrNumber::Integer(number) => {
                let meant = if number > 0 && number % 60 == 0 {
                    format!("\"{number}s\" (the same as \"{}m\")", number / 60)
                } else {
                    format!("\"{number}s\" for seconds or \"{number}m\" for minutes")
                };
                return Err(serde::de::Error::custom(format!(
                    "`{number}` has no unit: write {meant}"
                )));
            }
            TextOrNumber::Float(number) => {
                return Err(serde::de::Error::custom(format!(
                    "`{number}` has no unit: write a duration such as \"90s\" or \"5m\""
                )));
            }
        };
        parse_duration(&text)
            .map(Duration)
            .map_err(serde::de::Error::custom)
    }
}

/// A duration as written: text, or a bare number (refused with a hint).
#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Integer(i64),
    Float(f64),
}

/// A date-time as written: a string, or TOML's own unquoted date-time.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateTimeText {
    Text(String),
    Toml(toml::value::Datetime),
}

impl DateTimeText {
    fn into_text(self) -> String {
        match self {
            DateTimeText::Text(text) => text,
            DateTimeText::Toml(datetime) => datetime.to_string(),
        }
    }
}

/// A local time of day "HH:MM" or "HH:MM:SS", in seconds after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeOfDay(pub Seconds);

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let fail = || {
            serde::de::Error::custom(format!(
                "invalid time of day `{text}`; write \"HH:MM\", e.g. \"11:30\""
            ))
        };
        let parts: Vec<&str> = text.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(fail());
        }
        let numbers: Vec<u64> = parts
            .iter()
            .map(|part| part.parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| fail())?;
        let (hour, minute, second) = (numbers[0], numbers[1], numbers.get(2).copied().unwrap_or(0));
        if hour > 24 || minute > 59 || second > 59 || (hour == 24 && minute + second > 0) {
            return Err(fail());
        }
        Ok(TimeOfDay(hour * 3600 + minute * 60 + second))
    }
}

/// An RFC 3339 date-time with an offset, e.g. "2026-03-02T00:00:00+08:00".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeField(pub DateTime<FixedOffset>);

impl<'de> Deserialize<'de> for DateTimeField {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = DateTimeText::deserialize(deserializer)?.into_text();
        if chrono::NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S").is_ok() {
            return Err(serde::de::Error::custom(format!(
                "date-time `{text}` has no offset: write e.g. \"{text}+08:00\", or \"{text}Z\" for UTC"
            )));
        }
        DateTime::parse_from_rfc3339(&text).map(DateTimeField).map_err(|error| {
            serde::de::Error::custom(format!(
                "invalid date-time `{text}` ({error}); write RFC 3339 with an offset, e.g. \"2026-03-02T00:00:00+08:00\""
            ))
        })
    }
}

/// A point in the run: an offset from the start ("2d10h") or an RFC 3339 date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instant {
    /// Seconds after the start.
    Offset(Seconds),
    /// A calendar instant.
    At(DateTime<FixedOffset>),
}

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.contains('T') {
            return DateTime::parse_from_rfc3339(&text)
                .map(Instant::At)
                .map_err(|error| {
                    serde::de::Error::custom(format!("invalid date-time `{text}` ({error})"))
                });
        }
        parse_duration(&text).map(Instant::Offset).map_err(|error| {
            serde::de::Error::custom(format!(
                "{error}; an instant is an offset from the start (\"2d10h\") or an RFC 3339 date-time"
            ))
        })
    }
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub scenario: ScenarioSection,
    pub instance_types: Spanned<BTreeMap<String, InstanceType>>,
    pub load: LoadSection,
    pub group: Spanned<Vec<Group>>,
    #[serde(default)]
    pub policy: Vec<Policy>,
    pub expect: Option<ExpectWire>,
    pub sweep: Option<SweepWire>,
}

/// A parameter grid for `scaleplan sweep` and `plan`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepWire {
    pub policy: Option<Spanned<String>>,
    pub replications: Option<Spanned<u32>>,
    #[serde(default)]
    pub seeds: SeedsWire,
    pub max_points: Option<u64>,
    pub parameter: Spanned<Vec<ParameterWire>>,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SeedsWire {
    #[default]
    Common,
    Independent,
}

/// One axis: a dotted path and either a list of values or an inclusive range.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterWire {
    pub path: Spanned<String>,
    pub values: Option<Spanned<Vec<toml::Value>>>,
    pub from: Option<Spanned<toml::Value>>,
    pub to: Option<toml::Value>,
    pub step: Option<toml::Value>,
}

/// Budgets for `scaleplan check`.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExpectWire {
    pub max_cost: Option<Spanned<f64>>,
    pub max_instance_hours: Option<Spanned<f64>>,
    pub max_sla_violation: Option<Duration>,
    pub max_unserved_requests: Option<Spanned<f64>>,
}

/// A named variant of the file: overrides of group settings, rules and tasks for the same
/// load, so `compare` can run fixed, scheduled and alarm policies side by side.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub name: Spanned<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub group: Vec<GroupOverride>,
    /// Budgets for this policy; each one given replaces the scenario's.
    pub expect: Option<ExpectWire>,
    /// The policy's own parameter grid.
    pub sweep: Option<SweepWire>,
}

/// Settings of one group that a policy replaces; `rule` entries replace or add rules by name,
/// `scheduled` and `alarm` lists replace the group's lists.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupOverride {
    pub name: Spanned<String>,
    pub instance_type: Option<Spanned<String>>,
    pub instance_types: Option<Spanned<Vec<Spanned<String>>>>,
    pub mix: Option<MixWire>,
    pub health: Option<HealthWire>,
    pub min: Option<Spanned<u32>>,
    pub max: Option<Spanned<u32>>,
    pub desired: Option<Spanned<u32>>,
    pub existing: Option<ExistingWire>,
    pub removal_policy: Option<Spanned<RemovalPolicies>>,
    pub default_cooldown: Option<Duration>,
    pub load_share: Option<Spanned<f64>>,
    pub registration_delay: Option<Duration>,
    pub lifecycle_hook: Option<Vec<LifecycleHookWire>>,
    pub warm_pool: Option<Spanned<WarmPoolWire>>,
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    pub zone_policy: Option<Spanned<ZonePolicyWire>>,
    pub zone_rebalance: Option<Spanned<bool>>,
    pub rule: Option<Spanned<Vec<Rule>>>,
    pub scheduled: Option<Vec<Scheduled>>,
    pub alarm: Option<Vec<Alarm>>,
    /// Rules of the group the policy drops, by name.
    #[serde(default)]
    pub remove_rules: Vec<Spanned<String>>,
    /// Scheduled and alarm tasks of the group the policy drops, by name.
    #[serde(default)]
    pub remove_tasks: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSection {
    pub name: String,
    pub start: DateTimeField,
    pub duration: Spanned<Duration>,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_metric_period")]
    pub metric_period: Spanned<Duration>,
    pub timezone: Option<Spanned<String>>,
    pub currency: Option<Spanned<String>>,
    #[serde(default)]
    pub rounding: RoundingWire,
    #[serde(default)]
    pub cooldown_blocks: CooldownBlocksWire,
    pub sla: Option<SlaWire>,
    pub latency_model: Option<LatencyModelWire>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LatencyModelWire {
    Mm1,
    Mmc,
}

fn default_metric_period() -> Spanned<Duration> {
    Spanned::new(0..0, Duration(60))
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoundingWire {
    #[default]
    Aws,
    Alibaba,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CooldownBlocksWire {
    #[default]
    Alarms,
    All,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaWire {
    pub max_utilization: Option<Spanned<f64>>,
    pub latency_percentile: Option<Spanned<f64>>,
    pub max_latency_ms: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    pub capacity_rps: Spanned<f64>,
    pub price_per_hour: Spanned<f64>,
    #[serde(default)]
    pub boot_time: Option<Duration>,
    pub billing_granularity: Option<Spanned<Duration>>,
    pub billing_minimum: Option<Duration>,
    pub weight: Option<Spanned<u32>>,
    pub stock: Option<Spanned<PerZoneWire<u32>>>,
    pub no_stock_probability: Option<Spanned<PerZoneWire<f64>>>,
    pub preemptible: Option<Spanned<PreemptibleWire>>,
}

/// `preemptible = { discount, reclaim_rate, notice }` or `{ price_trace, bid, notice }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreemptibleWire {
    pub discount: Option<Spanned<f64>>,
    pub reclaim_rate: Option<Spanned<f64>>,
    pub price_trace: Option<Spanned<Vec<PricePointWire>>>,
    pub bid: Option<Spanned<f64>>,
    pub notice: Option<Duration>,
    pub stock: Option<Spanned<PerZoneWire<u32>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricePointWire {
    pub at: Spanned<Instant>,
    pub price: Spanned<f64>,
}

/// A `[[group.configuration]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigurationWire {
    pub name: Spanned<String>,
    pub instance_types: Spanned<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MixWire {
    #[serde(default)]
    pub on_demand_base: u32,
    pub on_demand_above_base: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthWire {
    pub mtbf: Spanned<Duration>,
    pub grace: Option<Duration>,
    pub detection: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSection {
    pub base_rps: Option<Spanned<f64>>,
    pub trace: Option<TraceWire>,
    pub scale: Option<Spanned<f64>>,
    pub diurnal: Option<DiurnalWire>,
    #[serde(default)]
    pub daily: Vec<DailyWire>,
    pub growth: Option<GrowthWire>,
    #[serde(default)]
    pub bursts: Vec<BurstWire>,
    pub noise: Option<NoiseWire>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceWire {
    pub path: Spanned<String>,
    #[serde(default)]
    pub format: TraceSourceWire,
    pub time_column: Option<String>,
    pub value_column: Option<String>,
    pub kind: Option<TraceKindWire>,
    pub step: Option<Duration>,
    pub bucket: Option<Duration>,
    pub skip_bad_lines: Option<bool>,
    pub id: Option<String>,
    #[serde(default)]
    pub time_format: TimeFormatWire,
    #[serde(default)]
    pub gaps: GapsWire,
    #[serde(default)]
    pub duplicates: DuplicatesWire,
    #[serde(default)]
    pub order: OrderWire,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TraceSourceWire {
    #[default]
    Csv,
    AccessLog,
    Prometheus,
    Cloudwatch,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeFormatWire {
    #[default]
    Auto,
    Offset,
    Epoch,
    Rfc3339,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GapsWire {
    #[default]
    Error,
    Zero,
    Hold,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatesWire {
    #[default]
    Error,
    Sum,
    Last,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrderWire {
    #[default]
    Error,
    Sort,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKindWire {
    Count,
    Rate,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiurnalWire {
    pub amplitude: Spanned<f64>,
    pub peak: TimeOfDay,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DailyWire {
    pub from: Spanned<TimeOfDay>,
    pub to: TimeOfDay,
    pub multiply: Option<Spanned<f64>>,
    pub add_rps: Option<Spanned<f64>>,
    pub ramp: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrowthWire {
    pub factor: Spanned<f64>,
    pub start: Option<Instant>,
    pub over: Spanned<Duration>,
    #[serde(default)]
    pub shape: GrowthShapeWire,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GrowthShapeWire {
    #[default]
    Exponential,
    Linear,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurstWire {
    pub at: Spanned<Instant>,
    pub duration: Duration,
    pub add_rps: Spanned<f64>,
    pub ramp: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoiseWire {
    pub kind: NoiseKindWire,
    pub sigma: Spanned<f64>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum NoiseKindWire {
    Lognormal,
    Normal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: Spanned<String>,
    pub instance_type: Option<Spanned<String>>,
    pub instance_types: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub configuration: Vec<ConfigurationWire>,
    pub active_configuration: Option<Spanned<String>>,
    pub mix: Option<MixWire>,
    pub health: Option<HealthWire>,
    pub load: Option<LoadSection>,
    pub min: Spanned<u32>,
    pub max: Spanned<u32>,
    pub desired: Option<Spanned<u32>>,
    pub existing: Option<ExistingWire>,
    pub removal_policy: Option<Spanned<RemovalPolicies>>,
    pub default_cooldown: Option<Duration>,
    pub load_share: Option<Spanned<f64>>,
    pub registration_delay: Option<Duration>,
    #[serde(default)]
    pub lifecycle_hook: Vec<LifecycleHookWire>,
    pub retry_policy: Option<Spanned<RetryPolicyWire>>,
    pub retry_intervals: Option<Spanned<Vec<Duration>>>,
    pub warm_pool: Option<Spanned<WarmPoolWire>>,
    pub zones: Option<Spanned<Vec<Spanned<String>>>>,
    pub zone_policy: Option<Spanned<ZonePolicyWire>>,
    pub zone_rebalance: Option<Spanned<bool>>,
    #[serde(default)]
    pub rule: Vec<Rule>,
    #[serde(default)]
    pub scheduled: Vec<Scheduled>,
    #[serde(default)]
    pub alarm: Vec<Alarm>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExistingWire {
    pub count: Spanned<u32>,
    #[serde(default)]
    pub protected: bool,
}

/// `[group.warm_pool]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarmPoolWire {
    pub fill: Option<PoolFillWire>,
    pub min_size: Option<u32>,
    pub max_prepared_capacity: Option<Spanned<u32>>,
    pub state: Option<PoolStateWire>,
    pub reuse_on_scale_in: Option<bool>,
    pub stopped_price_per_hour: Option<Spanned<f64>>,
    pub warm_boot_time: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolFillWire {
    Prepared,
    ScaleIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolStateWire {
    Stopped,
    Hibernated,
    Running,
}

/// `zone_policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZonePolicyWire {
    Balanced,
    BalancedOnly,
    Priority,
}

/// A value for every zone (`stock = 10`) or zone by zone (`stock = { "ap-1" = 10 }`), the
/// zones in the order written.
#[derive(Debug, Clone, PartialEq)]
pub enum PerZoneWire<T> {
    Every(T),
    Each(Vec<(String, T)>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for PerZoneWire<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Visitor<T> {
            type Value = PerZoneWire<T>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number, or a table of zone names to numbers")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                T::deserialize(value.into_deserializer()).map(PerZoneWire::Every)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut zones = Vec::new();
                while let Some(zone) = map.next_key::<String>()? {
                    // Checked before growing.
                    if zones.len() == crate::limits::MAX_ZONES {
                        return Err(serde::de::Error::custom(format!(
                            "at most {} zones",
                            crate::limits::MAX_ZONES
                        )));
                    }
                    zones.push((zone, map.next_value()?));
                }
                Ok(PerZoneWire::Each(zones))
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryPolicyWire {
    ImmediateRetry,
    IncrementalIntervals,
    NoRetry,
}

/// A `[[group.lifecycle_hook]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleHookWire {
    pub name: Spanned<String>,
    pub transition: HookTransitionWire,
    pub heartbeat_timeout: Spanned<Duration>,
    pub default_result: HookResultWire,
    pub completes_after: Option<Duration>,
    pub result: Option<HookResultWire>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookTransitionWire {
    Launching,
    Terminating,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookResultWire {
    Continue,
    Abandon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalPolicyWire {
    OldestInstance,
    NewestInstance,
    OldestScalingConfiguration,
    OldestLaunchTemplate,
    OldestLaunchConfiguration,
    ClosestToNextInstanceHour,
    AllocationStrategy,
    Default,
}

/// The most removal policies a group lists (AWS has seven besides a custom one).
pub const MAX_REMOVAL_POLICIES: usize = 8;

/// `removal_policy`: one policy or a list, each breaking the ties of the ones before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalPolicies(pub Vec<RemovalPolicyWire>);

impl<'de> Deserialize<'de> for RemovalPolicies {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RemovalPolicies;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a removal policy or a list of them")
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Self::Value, E> {
                use serde::de::IntoDeserializer;
                let policy = RemovalPolicyWire::deserialize(value.into_deserializer())?;
                Ok(RemovalPolicies(vec![policy]))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut list = Vec::new();
                while let Some(policy) = seq.next_element()? {
                    // Checked before growing: a list has each policy at most once.
                    if list.len() == MAX_REMOVAL_POLICIES {
                        return Err(serde::de::Error::custom(format!(
                            "at most {MAX_REMOVAL_POLICIES} removal policies"
                        )));
                    }
                    list.push(policy);
                }
                Ok(RemovalPolicies(list))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A `[[group.rule]]`: every rule type's keys; validation checks which belong to `type`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: Spanned<String>,
    #[serde(rename = "type", default)]
    pub kind: RuleTypeWire,
    // Simple and step rules.
    pub change: Option<i64>,
    pub change_percent: Option<Spanned<f64>>,
    pub min_adjustment: Option<Spanned<u32>>,
    pub set: Option<u32>,
    pub cooldown: Option<Duration>,
    pub steps: Option<Spanned<Vec<StepWire>>>,
    // Step, target-tracking rules.
    pub warmup: Option<Duration>,
    pub scale_in_cooldown: Option<Duration>,
    // Target tracking, predictive, HPA.
    pub metric: Option<MetricWire>,
    pub target: Option<Spanned<f64>>,
    pub scale_in_ratio: Option<Spanned<f64>>,
    pub scale_out_periods: Option<Spanned<u32>>,
    pub scale_in_periods: Option<Spanned<u32>>,
    pub disable_scale_in: Option<bool>,
    pub mode: Option<PredictiveModeWire>,
    pub max_capacity_breach: Option<MaxCapacityBreachWire>,
    pub max_capacity_buffer: Option<Spanned<f64>>,
    pub buffer: Option<Spanned<Duration>>,
    pub history: Option<Spanned<Duration>>,
    pub tolerance: Option<Spanned<f64>>,
    pub stabilization_window: Option<Duration>,
    pub scale_up_percent: Option<Spanned<f64>>,
    pub scale_up_instances: Option<u32>,
    pub scale_down_percent: Option<Spanned<f64>>,
    pub policy_period: Option<Spanned<Duration>>,
    pub sync_period: Option<Spanned<Duration>>,
    pub scale_down_instances: Option<u32>,
    pub scale_up_policies: Option<Spanned<Vec<HpaPolicyWire>>>,
    pub scale_down_policies: Option<Spanned<Vec<HpaPolicyWire>>>,
    pub scale_up_select: Option<SelectPolicyWire>,
    pub scale_down_select: Option<SelectPolicyWire>,
    pub scale_up_stabilization: Option<Duration>,
    pub scale_up_tolerance: Option<Spanned<f64>>,
    pub scale_down_tolerance: Option<Spanned<f64>>,
    pub cpu_initialization_period: Option<Duration>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxCapacityBreachWire {
    Honor,
    Increase,
}

/// One HPA policy written out: `{ type = "pods", value = 4, period = "60s" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaPolicyWire {
    #[serde(rename = "type")]
    pub kind: HpaPolicyKindWire,
    pub value: Spanned<f64>,
    pub period: Option<Spanned<Duration>>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HpaPolicyKindWire {
    Pods,
    Percent,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectPolicyWire {
    Max,
    Min,
    Disabled,
}

#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RuleTypeWire {
    #[default]
    Simple,
    Step,
    TargetTracking,
    Predictive,
    Hpa,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictiveModeWire {
    ForecastOnly,
    ForecastAndScale,
}

/// One step of a step rule: bounds relative to the alarm threshold and one adjustment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepWire {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub change: Option<i64>,
    pub change_percent: Option<f64>,
    pub set: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scheduled {
    pub name: Spanned<String>,
    pub cron: Option<Spanned<String>>,
    pub at: Option<Spanned<Instant>>,
    pub timezone: Option<Spanned<String>>,
    pub end: Option<Instant>,
    pub run: Option<Spanned<String>>,
    pub activate: Option<Spanned<String>>,
    pub min: Option<Spanned<u32>>,
    pub max: Option<u32>,
    pub desired: Option<u32>,
    pub launch_expiration: Option<Duration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    pub name: Spanned<String>,
    pub metric: MetricWire,
    #[serde(default)]
    pub statistic: StatisticWire,
    pub period: Option<Spanned<Duration>>,
    pub periods: Option<Spanned<u32>>,
    /// Breaching datapoints among the last `periods` that fire it (CloudWatch
    /// `DatapointsToAlarm`); all of them when absent.
    pub datapoints: Option<Spanned<u32>>,
    /// How often it is evaluated (CloudWatch: every minute); once per period when absent.
    pub evaluation_interval: Option<Spanned<Duration>>,
    /// CloudWatch `TreatMissingData`.
    pub missing_data: Option<MissingDataWire>,
    pub above: Option<f64>,
    pub at_or_above: Option<f64>,
    pub below: Option<f64>,
    pub at_or_below: Option<f64>,
    pub equal_to: Option<f64>,
    pub not_equal_to: Option<f64>,
    pub run: Spanned<String>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum MissingDataWire {
    Missing,
    Ignore,
    Breaching,
    NotBreaching,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum MetricWire {
    Cpu,
    RequestsPerInstance,
    RequestRate,
}

#[derive(Debug, Clone, Copy, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StatisticWire {
    #[default]
    Average,
    Maximum,
    Minimum,
    Sum,
    SampleCount,
}
