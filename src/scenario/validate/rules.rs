//! The `[[group.rule]]` tables, by rule kind; [`RULE_KEYS`] says which keys each kind takes.

use super::*;

/// A validated `[[group.rule]]` of any type.
pub(super) enum AnyRule {
    Run(ScalingRule),
    TargetTracking(TargetTracking),
    Predictive(Predictive),
    Hpa(Hpa),
}

use wire::RuleTypeWire as Kind;

/// A rule key: its name, whether a rule sets it, the kinds that take it.
type RuleKey = (&'static str, fn(&wire::Rule) -> bool, &'static [Kind]);

/// Every `[[group.rule]]` key besides `name` and `type`: whether a rule sets it, and the rule
/// kinds that take it. The one place that says which keys belong to which kind; the order is
/// the order hints list them in.
const RULE_KEYS: &[RuleKey] = {
    use Kind::{Hpa, Predictive, Simple, Step, TargetTracking as Tracking};
    &[
        ("change", |rule| rule.change.is_some(), &[Simple, Step]),
        (
            "change_percent",
            |rule| rule.change_percent.is_some(),
            &[Simple, Step],
        ),
        (
            "min_adjustment",
            |rule| rule.min_adjustment.is_some(),
            &[Simple, Step],
        ),
        ("set", |rule| rule.set.is_some(), &[Simple, Step]),
        ("cooldown", |rule| rule.cooldown.is_some(), &[Simple]),
        ("steps", |rule| rule.steps.is_some(), &[Step]),
        ("metric", |rule| rule.metric.is_some(), &[Tracking, Hpa]),
        (
            "target",
            |rule| rule.target.is_some(),
            &[Tracking, Predictive, Hpa],
        ),
        (
            "scale_in_ratio",
            |rule| rule.scale_in_ratio.is_some(),
            &[Tracking],
        ),
        (
            "scale_out_periods",
            |rule| rule.scale_out_periods.is_some(),
            &[Tracking],
        ),
        (
            "scale_in_periods",
            |rule| rule.scale_in_periods.is_some(),
            &[Tracking],
        ),
        (
            "disable_scale_in",
            |rule| rule.disable_scale_in.is_some(),
            &[Tracking],
        ),
        ("warmup", |rule| rule.warmup.is_some(), &[Step, Tracking]),
        (
            "scale_in_cooldown",
            |rule| rule.scale_in_cooldown.is_some(),
            &[Tracking],
        ),
        ("mode", |rule| rule.mode.is_some(), &[Predictive]),
        ("buffer", |rule| rule.buffer.is_some(), &[Predictive]),
        ("history", |rule| rule.history.is_some(), &[Predictive]),
        (
            "max_capacity_breach",
            |rule| rule.max_capacity_breach.is_some(),
            &[Predictive],
        ),
        (
            "max_capacity_buffer",
            |rule| rule.max_capacity_buffer.is_some(),
            &[Predictive],
        ),
        ("tolerance", |rule| rule.tolerance.is_some(), &[Hpa]),
        (
            "stabilization_window",
            |rule| rule.stabilization_window.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_percent",
            |rule| rule.scale_up_percent.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_instances",
            |rule| rule.scale_up_instances.is_some(),
            &[Hpa],
        ),
        (
            "scale_down_percent",
            |rule| rule.scale_down_percent.is_some(),
            &[Hpa],
        ),
        ("policy_period", |rule| rule.policy_period.is_some(), &[Hpa]),
        ("sync_period", |rule| rule.sync_period.is_some(), &[Hpa]),
        (
            "scale_down_instances",
            |rule| rule.scale_down_instances.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_policies",
            |rule| rule.scale_up_policies.is_some(),
            &[Hpa],
        ),
        (
            "scale_down_policies",
            |rule| rule.scale_down_policies.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_select",
            |rule| rule.scale_up_select.is_some(),
            &[Hpa],
        ),
        (
            "scale_down_select",
            |rule| rule.scale_down_select.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_stabilization",
            |rule| rule.scale_up_stabilization.is_some(),
            &[Hpa],
        ),
        (
            "scale_up_tolerance",
            |rule| rule.scale_up_tolerance.is_some(),
            &[Hpa],
        ),
        (
            "scale_down_tolerance",
            |rule| rule.scale_down_tolerance.is_some(),
            &[Hpa],
        ),
        (
            "cpu_initialization_period",
            |rule| rule.cpu_initialization_period.is_some(),
            &[Hpa],
        ),
    ]
};

/// Reports every key `rule` sets that its kind does not take.
fn foreign_keys(checker: &mut Checker, rule: &wire::Rule) {
    let allowed: Vec<&str> = RULE_KEYS
        .iter()
        .filter(|(_, _, kinds)| kinds.contains(&rule.kind))
        .map(|(key, _, _)| *key)
        .collect();
    for (key, _, _) in RULE_KEYS
        .iter()
        .filter(|(key, set, _)| set(rule) && !allowed.contains(key))
    {
        checker.error(
            rule.name.span(),
            "group.rule",
            format!(
                "rule `{}` ({:?} rule) does not take `{key}`",
                rule.name.get_ref(),
                rule.kind
            )
            .to_lowercase()
            .replace("targettracking", "target_tracking"),
            format!("keys of this rule type: {}", allowed.join(", ")),
        );
    }
}

pub(super) fn scaling_rule(checker: &mut Checker, rule: &wire::Rule) -> AnyRule {
    foreign_keys(checker, rule);
    let name = rule.name.get_ref().clone();
    match rule.kind {
        Kind::Simple | Kind::Step => AnyRule::Run(simple_or_step(checker, rule, name)),
        Kind::TargetTracking => AnyRule::TargetTracking(target_tracking(checker, rule, name)),
        Kind::Predictive => AnyRule::Predictive(predictive(checker, rule, name)),
        Kind::Hpa => AnyRule::Hpa(hpa(checker, rule, name)),
    }
}

/// `warmup`, or the kind's default.
fn warmup(rule: &wire::Rule, default: Seconds) -> Seconds {
    rule.warmup.map_or(default, |value| value.0)
}

/// The rule's `target` within `[low, inf)`, or a recorded problem.
fn target(checker: &mut Checker, rule: &wire::Rule, low: f64, hint: &str) -> f64 {
    match &rule.target {
        Some(value) => checker.number(value, "group.rule.target", low, f64::INFINITY, hint),
        None => {
            checker.error(
                rule.name.span(),
                "group.rule.target",
                format!("rule `{}` needs a `target`", rule.name.get_ref()),
                hint.to_string(),
            );
            1.0
        }
    }
}

/// The metric a target is held on: one proportional to the instance count.
fn metric(checker: &mut Checker, rule: &wire::Rule) -> Metric {
    match rule.metric {
        Some(Metric::Cpu) => Metric::Cpu,
        Some(Metric::RequestsPerInstance) => Metric::RequestsPerInstance,
        Some(Metric::RequestRate) => {
            checker.error(rule.name.span(), "group.rule.metric", "a target needs a metric proportional to the instance count", "use `cpu` or `requests_per_instance` (AWS rejects totals such as the request rate)");
            Metric::Cpu
        }
        None => Metric::Cpu,
    }
}

/// Simple and step rules: one adjustment, or steps of adjustments (AWS step scaling).
fn simple_or_step(checker: &mut Checker, rule: &wire::Rule, name: String) -> ScalingRule {
    let is_step = rule.kind == Kind::Step;
    let given = [
        rule.change.is_some(),
        rule.change_percent.is_some(),
        rule.set.is_some(),
    ];
    let count = given.iter().filter(|set| **set).count();
    if !is_step && count != 1 {
        checker.error(
            rule.name.span(),
            "group.rule",
            format!("rule `{name}` needs exactly one of `change`, `change_percent`, `set`"),
            "e.g. change = 2, change_percent = 25 or set = 4",
        );
    }
    if let Some(magnitude) = &rule.min_adjustment
        && rule.change_percent.is_none()
        && !is_step
    {
        checker.error(
            magnitude.span(),
            "group.rule.min_adjustment",
            "`min_adjustment` applies only to `change_percent`",
            "remove it, or use change_percent",
        );
    }
    let min_magnitude = rule
        .min_adjustment
        .as_ref()
        .map_or(0, |value| *value.get_ref());
    let mut adjustment = match (rule.change, &rule.change_percent, rule.set) {
        (Some(change), _, _) => Adjustment::Change(change),
        (_, Some(percent), _) => Adjustment::Percent {
            percent: checker.number(
                percent,
                "group.rule.change_percent",
                *PERCENT_CHANGE.start(),
                *PERCENT_CHANGE.end(),
                "ESS allows -100 to 10000 percent",
            ),
            min_magnitude,
        },
        (_, _, Some(value)) => Adjustment::Exact(value),
        _ => Adjustment::Change(0),
    };
    let steps = if is_step {
        if count > 0 {
            checker.error(
                rule.name.span(),
                "group.rule",
                format!("step rule `{name}` takes its adjustments from `steps`"),
                "put change / change_percent / set inside each step",
            );
        }
        match &rule.steps {
            None => {
                checker.error(rule.name.span(), "group.rule.steps", format!("step rule `{name}` has no `steps`"), "e.g. steps = [{ lower = 0, upper = 10, change_percent = 10 }, { lower = 10, change_percent = 30 }]");
                None
            }
            Some(steps) => {
                let (parsed, kind) = step_list(checker, steps, min_magnitude);
                if let Some(kind) = kind {
                    adjustment = kind;
                }
                Some(StepScaling {
                    steps: parsed,
                    warmup: warmup(rule, STEP_WARMUP),
                })
            }
        }
    } else {
        None
    };
    ScalingRule {
        name,
        adjustment,
        cooldown: rule.cooldown.map(|value| value.0),
        steps,
    }
}

/// Target tracking (AWS, ESS, Tencent): a metric held at a target by generated alarms.
fn target_tracking(checker: &mut Checker, rule: &wire::Rule, name: String) -> TargetTracking {
    let metric = metric(checker, rule);
    let target = target(
        checker,
        rule,
        f64::MIN_POSITIVE,
        "the metric value to hold, e.g. 50 for 50% CPU",
    );
    let periods = |value: &Option<Spanned<u32>>,
                   default: u32,
                   field: &str,
                   checker: &mut Checker| match value {
        Some(value) if *value.get_ref() == 0 => {
            checker.error(
                value.span(),
                field,
                "needs at least 1 period",
                "AWS uses 3 (scale out) and 15 (scale in)",
            );
            default
        }
        Some(value) => *value.get_ref(),
        None => default,
    };
    TargetTracking {
        name,
        metric,
        target,
        scale_in_ratio: rule
            .scale_in_ratio
            .as_ref()
            .map_or(SCALE_IN_RATIO, |value| {
                checker.number(
                    value,
                    "group.rule.scale_in_ratio",
                    f64::MIN_POSITIVE,
                    1.0,
                    "the low alarm fires below ratio x target; AWS shows 0.7 to 0.9",
                )
            }),
        scale_out_periods: periods(
            &rule.scale_out_periods,
            SCALE_OUT_PERIODS,
            "group.rule.scale_out_periods",
            checker,
        ),
        scale_in_periods: periods(
            &rule.scale_in_periods,
            SCALE_IN_PERIODS,
            "group.rule.scale_in_periods",
            checker,
        ),
        disable_scale_in: rule.disable_scale_in.unwrap_or(false),
        warmup: warmup(rule, TRACKING_WARMUP),
        scale_in_cooldown: rule.scale_in_cooldown.map(|value| value.0),
    }
}

/// Predictive (AWS, ESS): capacity from a forecast of the daily pattern.
fn predictive(checker: &mut Checker, rule: &wire::Rule, name: String) -> Predictive {
    let buffer = (rule.buffer.as_ref()).map_or(PREDICTIVE_BUFFER, |value| value.get_ref().0);
    if let Some(value) = &rule.buffer
        && buffer >= 3600
    {
        checker.error(
            value.span(),
            "group.rule.buffer",
            "the buffer must be under an hour",
            "AWS SchedulingBufferTime: 0 to 3600 s, default 300 s",
        );
    }
    let history = rule
        .history
        .as_ref()
        .map_or(PREDICTIVE_HISTORY, |value| value.get_ref().0);
    if let Some(value) = &rule.history
        && !(86_400..=14 * 86_400).contains(&history)
    {
        checker.error(
            value.span(),
            "group.rule.history",
            "history must be 1 to 14 days",
            "AWS reads up to 14 days and needs at least 24 hours",
        );
    }
    Predictive {
        name,
        target_cpu: target(
            checker,
            rule,
            f64::MIN_POSITIVE,
            "the CPU utilization (percent) the forecast capacity is sized for, e.g. 60",
        ),
        mode: rule.mode.unwrap_or(PredictiveMode::ForecastAndScale),
        buffer,
        history,
        max_capacity_breach: rule.max_capacity_breach.unwrap_or(MaxCapacityBreach::Honor),
        max_capacity_buffer: rule.max_capacity_buffer.as_ref().map_or(0.0, |value| {
            checker.number(
                value,
                "group.rule.max_capacity_buffer",
                0.0,
                100.0,
                "AWS MaxCapacityBuffer: 0 to 100 percent of the forecast capacity",
            )
        }),
    }
}

/// Kubernetes HPA: the replica calculator with its policies and stabilization.
fn hpa(checker: &mut Checker, rule: &wire::Rule, name: String) -> Hpa {
    let metric = metric(checker, rule);
    let period =
        |value: &Option<Spanned<wire::Duration>>, field: &str, checker: &mut Checker| match value {
            Some(value) if value.get_ref().0 == 0 || value.get_ref().0 > 1800 => {
                checker.error(
                    value.span(),
                    field,
                    "must be 1s to 30m",
                    "Kubernetes: periodSeconds 1 to 1800; sync period default 15s",
                );
                HPA_PERIOD
            }
            Some(value) => value.get_ref().0,
            None => HPA_PERIOD,
        };
    Hpa {
        name,
        metric,
        target: target(
            checker,
            rule,
            f64::MIN_POSITIVE,
            "the metric per instance to hold, e.g. 60 for 60% CPU",
        ),
        tolerance: rule.tolerance.as_ref().map_or(HPA_TOLERANCE, |value| {
            checker.number(
                value,
                "group.rule.tolerance",
                0.0,
                1.0,
                "Kubernetes default 0.1",
            )
        }),
        stabilization_window: (rule.stabilization_window)
            .map_or(HPA_STABILIZATION, |value| value.0),
        scale_up_percent: rule
            .scale_up_percent
            .as_ref()
            .map_or(HPA_SCALE_UP_PERCENT, |value| {
                checker.number(
                    value,
                    "group.rule.scale_up_percent",
                    0.0,
                    f64::INFINITY,
                    "Kubernetes default 100",
                )
            }),
        scale_up_instances: rule.scale_up_instances.unwrap_or(HPA_SCALE_UP_INSTANCES),
        scale_down_percent: rule.scale_down_percent.as_ref().map_or(
            HPA_SCALE_DOWN_PERCENT,
            |value| {
                checker.number(
                    value,
                    "group.rule.scale_down_percent",
                    0.0,
                    100.0,
                    "Kubernetes default 100",
                )
            },
        ),
        policy_period: period(&rule.policy_period, "group.rule.policy_period", checker),
        sync_period: period(&rule.sync_period, "group.rule.sync_period", checker),
        scale_down_instances: rule.scale_down_instances,
        scale_up_policies: hpa_policies(checker, rule, true),
        scale_down_policies: hpa_policies(checker, rule, false),
        scale_up_select: select(rule.scale_up_select),
        scale_down_select: select(rule.scale_down_select),
        scale_up_stabilization: rule.scale_up_stabilization.map_or(0, |value| value.0),
        scale_up_tolerance: rule.scale_up_tolerance.as_ref().map(|value| {
            checker.number(
                value,
                "group.rule.scale_up_tolerance",
                0.0,
                1.0,
                "Kubernetes default 0.1",
            )
        }),
        scale_down_tolerance: rule.scale_down_tolerance.as_ref().map(|value| {
            checker.number(
                value,
                "group.rule.scale_down_tolerance",
                0.0,
                1.0,
                "Kubernetes default 0.1",
            )
        }),
        cpu_initialization_period: rule
            .cpu_initialization_period
            .map_or(HPA_CPU_INITIALIZATION, |value| value.0),
    }
}

fn select(written: Option<SelectPolicy>) -> SelectPolicy {
    written.unwrap_or(SelectPolicy::Max)
}

/// `scale_up_policies` / `scale_down_policies`: Kubernetes `behavior.*.policies`, each a
/// type, a value (pods at least 1; percent above 0, at most 100 down) and a period of 1 s to
/// 30 min (default 15 s). Written out, they replace the direction's shorthands, which are
/// then refused beside them.
fn hpa_policies(checker: &mut Checker, rule: &wire::Rule, up: bool) -> Option<Vec<HpaPolicy>> {
    let (written, field, shorthands): (_, _, &[(&str, bool)]) = if up {
        (
            rule.scale_up_policies.as_ref()?,
            "group.rule.scale_up_policies",
            &[
                ("scale_up_percent", rule.scale_up_percent.is_some()),
                ("scale_up_instances", rule.scale_up_instances.is_some()),
                (
                    "policy_period",
                    rule.policy_period.is_some() && rule.scale_down_policies.is_some(),
                ),
            ],
        )
    } else {
        (
            rule.scale_down_policies.as_ref()?,
            "group.rule.scale_down_policies",
            &[
                ("scale_down_percent", rule.scale_down_percent.is_some()),
                ("scale_down_instances", rule.scale_down_instances.is_some()),
            ],
        )
    };
    for (shorthand, given) in shorthands {
        if *given {
            checker.error(
                written.span(),
                field,
                format!("`{shorthand}` and the written-out policies both set this direction"),
                format!(
                    "write the policy in `{}` instead",
                    field.trim_start_matches("group.rule.")
                ),
            );
        }
    }
    if written.get_ref().is_empty() {
        checker.error(
            written.span(),
            field,
            "no policy: the direction could never scale",
            "give at least one policy, or use `scale_up_select` / `scale_down_select = \"disabled\"`",
        );
    }
    Some(
        written
            .get_ref()
            .iter()
            .map(|policy| {
                let kind = policy.kind;
                let (low, high, hint) = match (kind, up) {
                    (HpaPolicyKind::Pods, _) => {
                        (1.0, 1e6, "pods per period, at least 1 (a whole number)")
                    }
                    (HpaPolicyKind::Percent, true) => {
                        (f64::MIN_POSITIVE, 1e6, "percent per period, above 0")
                    }
                    (HpaPolicyKind::Percent, false) => (
                        f64::MIN_POSITIVE,
                        100.0,
                        "percent per period, above 0 and at most 100",
                    ),
                };
                let mut value = checker.number(&policy.value, field, low, high, hint);
                if kind == HpaPolicyKind::Pods && value.fract() != 0.0 {
                    checker.error(
                        policy.value.span(),
                        field,
                        format!("{value} pods is not whole"),
                        hint,
                    );
                    value = value.round();
                }
                let period = match &policy.period {
                    Some(period) if period.get_ref().0 == 0 || period.get_ref().0 > 1800 => {
                        checker.error(
                            period.span(),
                            field,
                            "a period must be 1s to 30m",
                            "Kubernetes: periodSeconds 1 to 1800",
                        );
                        HPA_PERIOD
                    }
                    Some(period) => period.get_ref().0,
                    None => HPA_PERIOD,
                };
                HpaPolicy {
                    kind,
                    value,
                    period,
                }
            })
            .collect(),
    )
}

/// Validates step intervals (AWS rules: no overlap, no gap, at most one open end each way)
/// and returns the steps with the adjustment type they share.
fn step_list(
    checker: &mut Checker,
    steps: &Spanned<Vec<wire::StepWire>>,
    min_magnitude: u32,
) -> (Vec<Step>, Option<Adjustment>) {
    let mut kind: Option<Adjustment> = None;
    let mut parsed = Vec::new();
    let fail = |checker: &mut Checker, message: String| {
        checker.error(steps.span(), "group.rule.steps", message, "steps are [lower, upper) intervals relative to the alarm threshold, sorted, touching, e.g. [{ upper = 0, change = -1 }, { lower = 0, upper = 10, change = 1 }, { lower = 10, change = 3 }]");
    };
    for step in steps.get_ref() {
        let (this, value) = match (step.change, step.change_percent, step.set) {
            (Some(change), None, None) => (Adjustment::Change(0), change as f64),
            (None, Some(percent), None) => (
                Adjustment::Percent {
                    percent: 0.0,
                    min_magnitude,
                },
                percent,
            ),
            (None, None, Some(set)) => (Adjustment::Exact(0), set as f64),
            _ => {
                fail(
                    checker,
                    "each step needs exactly one of `change`, `change_percent`, `set`".into(),
                );
                return (parsed, kind);
            }
        };
        if kind.is_some_and(|kind| std::mem::discriminant(&kind) != std::mem::discriminant(&this)) {
            fail(
                checker,
                "all steps of a rule use the same adjustment type".into(),
            );
            return (parsed, kind);
        }
        kind = Some(this);
        for (number, what) in [
            (step.lower, "a step's `lower`"),
            (step.upper, "a step's `upper`"),
            (Some(value), "a step's adjustment"),
        ] {
            if let Some(number) = number {
                checker.finite(number, steps.span(), "group.rule.steps", what);
            }
        }
        if let (Some(lower), Some(upper)) = (step.lower, step.upper)
            && lower >= upper
        {
            fail(
                checker,
                format!("step with lower {lower} is not below its upper {upper}"),
            );
        }
        parsed.push(Step {
            lower: step.lower,
            upper: step.upper,
            value,
        });
    }
    let mut sorted = parsed.clone();
    sorted.sort_by(|a, b| {
        a.lower
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.lower.unwrap_or(f64::NEG_INFINITY))
    });
    for pair in sorted.windows(2) {
        if pair[0].upper != pair[1].lower || pair[0].upper.is_none() {
            fail(checker, "steps overlap or leave a gap".into());
            break;
        }
    }
    if sorted.is_empty() {
        fail(checker, "a step rule needs at least one step".into());
    }
    (sorted, kind)
}
