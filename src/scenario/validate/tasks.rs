//! The `[[group.scheduled]]` and `[[group.alarm]]` tables: the tasks that fire rules.

use super::*;

/// A 5-field cron pattern (minute hour day-of-month month day-of-week), as AWS writes them.
pub(super) fn cron(pattern: &str) -> Result<croner::Cron, croner::errors::CronError> {
    CronParser::builder()
        .seconds(CronSeconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(pattern)
}

pub(super) fn scheduled_task(
    checker: &mut Checker,
    task: &wire::Scheduled,
    rule_names: &[String],
    configuration_names: &[String],
    clock: &Clock,
    duration: Seconds,
    default_timezone: Tz,
) -> ScheduledTask {
    let name = task.name.get_ref();
    let end = task.end.and_then(|end| instant(clock, end));
    if task.end.is_some() && end.is_none() {
        checker.error(
            task.name.span(),
            "group.scheduled.end",
            format!("scheduled task `{name}` ends before the scenario starts"),
            "remove `end` or move it into the run",
        );
    }
    let problems_before = checker.problems.len();
    let recurrence = match (&task.cron, &task.at) {
        (Some(pattern), None) => {
            let timezone = task
                .timezone
                .as_ref()
                .map_or(default_timezone, |zone| timezone(checker, zone));
            match cron(pattern.get_ref()) {
                Ok(cron) => Recurrence::Cron {
                    cron: Box::new(cron),
                    pattern: pattern.get_ref().clone(),
                    timezone,
                },
                Err(error) => {
                    checker.error(pattern.span(), "group.scheduled.cron", format!("invalid cron `{}`: {error}", pattern.get_ref()), "five fields: minute hour day-of-month month day-of-week, e.g. \"0 11 * * *\"");
                    Recurrence::Once(0)
                }
            }
        }
        (None, Some(at)) => match instant(clock, *at.get_ref()) {
            Some(time) => Recurrence::Once(time),
            None => {
                checker.error(
                    at.span(),
                    "group.scheduled.at",
                    "one-off task is before the scenario start",
                    "use an offset such as \"1d11h\"",
                );
                Recurrence::Once(0)
            }
        },
        _ => {
            checker.error(
                task.name.span(),
                "group.scheduled",
                format!("scheduled task `{name}` needs exactly one of `cron` and `at`"),
                "cron = \"0 11 * * *\" repeats; at = \"1d11h\" fires once",
            );
            Recurrence::Once(0)
        }
    };
    if let Some(span) = task
        .cron
        .as_ref()
        .map(Spanned::span)
        .or(task.at.as_ref().map(Spanned::span))
        && checker.problems.len() == problems_before
        && duration > 0
    {
        let first = recurrence.next_after(clock, None);
        if first.is_none_or(|first| first >= duration || end.is_some_and(|end| first >= end)) {
            checker.error(
                span,
                "group.scheduled",
                format!("scheduled task `{name}` never fires during the run"),
                format!(
                    "the run covers {} from {}",
                    format_duration(duration),
                    clock.format(0)
                ),
            );
        }
    }
    // Every firing inside the run, precomputed (not for a run whose duration was refused).
    let mut fires = Vec::new();
    if checker.problems.len() == problems_before && duration > 0 {
        let room = MAX_TOTAL_FIRINGS - checker.firings;
        match recurrence.firings(clock, duration, end, MAX_FIRINGS.min(room)) {
            Some(found) => fires = found,
            None => checker.error(
                task.name.span(),
                "group.scheduled",
                if room >= MAX_FIRINGS {
                    format!("scheduled task `{name}` fires more than {MAX_FIRINGS} times in the run")
                } else {
                    format!(
                        "the scheduled tasks fire more than {MAX_TOTAL_FIRINGS} times in the run together"
                    )
                },
                "use a sparser recurrence or a shorter run",
            ),
        }
        checker.firings += fires.len();
    }
    let sets = task.min.is_some() || task.max.is_some() || task.desired.is_some();
    let action = match (&task.run, sets, &task.activate) {
        (None, false, Some(configuration)) => TaskAction::Activate(
            checker
                .reference(
                    configuration,
                    configuration_names,
                    "group.scheduled.activate",
                    "scaling configuration",
                )
                .unwrap_or(0),
        ),
        (Some(rule), false, None) => TaskAction::RunRule(
            checker
                .reference(rule, rule_names, "group.scheduled.run", "rule")
                .unwrap_or(0),
        ),
        (None, true, None) => TaskAction::SetCapacity {
            min: task.min.as_ref().map(|value| *value.get_ref()),
            max: task.max,
            desired: task.desired,
        },
        _ => {
            checker.error(task.name.span(), "group.scheduled", format!("scheduled task `{name}` needs one of `run`, `activate`, or any of `min`, `max`, `desired`"), "run = \"add-two\", activate = \"new-image\", or desired = 4");
            TaskAction::SetCapacity {
                min: None,
                max: None,
                desired: None,
            }
        }
    };
    ScheduledTask {
        name: name.clone(),
        recurrence,
        end,
        action,
        launch_expiration: task
            .launch_expiration
            .map_or(LAUNCH_EXPIRATION, |value| value.0),
        fires: std::sync::Arc::new(fires),
    }
}

pub(super) fn alarm_task(
    checker: &mut Checker,
    alarm: &wire::Alarm,
    rule_names: &[String],
) -> AlarmTask {
    let period = alarm
        .period
        .as_ref()
        .map_or(ALARM_PERIOD, |value| value.get_ref().0);
    let periods = alarm
        .periods
        .as_ref()
        .map_or(ALARM_PERIODS, |value| *value.get_ref());
    let comparisons = [
        (alarm.above, Comparison::Greater),
        (alarm.at_or_above, Comparison::GreaterOrEqual),
        (alarm.below, Comparison::Less),
        (alarm.at_or_below, Comparison::LessOrEqual),
        (alarm.equal_to, Comparison::Equal),
        (alarm.not_equal_to, Comparison::NotEqual),
    ];
    let given: Vec<(f64, Comparison)> = comparisons
        .iter()
        .filter_map(|(value, op)| value.map(|value| (value, *op)))
        .collect();
    if given.len() != 1 {
        checker.error(
            alarm.name.span(),
            "group.alarm",
            format!(
                "alarm `{}` needs exactly one of `above`, `at_or_above`, `below`, `at_or_below`, `equal_to`, `not_equal_to`",
                alarm.name.get_ref()
            ),
            "e.g. above = 80",
        );
    }
    let datapoints = alarm.datapoints.as_ref().map(|value| *value.get_ref());
    let (threshold, comparison) = given.first().copied().unwrap_or((0.0, Comparison::Greater));
    checker.finite(
        threshold,
        alarm.name.span(),
        "group.alarm",
        &format!("the threshold of alarm `{}`", alarm.name.get_ref()),
    );
    AlarmTask {
        name: alarm.name.get_ref().clone(),
        metric: alarm.metric,
        statistic: alarm.statistic,
        period,
        interval: alarm
            .evaluation_interval
            .as_ref()
            .map(|value| value.get_ref().0),
        periods,
        datapoints,
        missing_data: alarm.missing_data,
        comparison,
        threshold,
        rule: checker
            .reference(&alarm.run, rule_names, "group.alarm.run", "rule")
            .unwrap_or(0),
    }
}
