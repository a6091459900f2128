//! Lifecycle hooks (AWS "Amazon EC2 Auto Scaling lifecycle hooks", `PutLifecycleHook`; Tencent
//! and ESS `CreateLifecycleHook`): instances wait at launch or termination, billed and serving
//! nothing, until the action completes or the heartbeat timeout gives the default result.

use crate::engine::{scenario, statuses};
use common::{assert_cost, run};
use scaleplan::engine::{ActivityStatus, Cause, EndReason, ReplacementReason};

use crate::common;

/// One instance (price 0.5 per hour, 60 s boot) and a scheduled task adding a second at 10m,
/// with the hook lines `hooks`.
fn launching(hooks: &str) -> String {
    scenario(
        "1h",
        "base_rps = 50",
        &format!(
            "min = 1\nmax = 3\ndesired = 1\n\n{hooks}\n\n[[group.scheduled]]\nname = \"grow\"\nat = \"10m\"\ndesired = 2"
        ),
    )
}

fn hook(transition: &str, rest: &str) -> String {
    format!(
        "[[group.lifecycle_hook]]\nname = \"h-{transition}\"\ntransition = \"{transition}\"\n{rest}"
    )
}

/// When the activity that launched the second instance ended: when that instance entered
/// service (the cooldown starts then: AWS, "with a launch lifecycle hook, ... when the
/// instance enters InService"). The timeline agrees: two in service from that minute on.
fn entered(text: &str) -> u64 {
    let (_, outcome) = run(text);
    let grow = &outcome.activities[0];
    assert_eq!((grow.start, grow.status), (600, ActivityStatus::Successful));
    let end = grow.end.expect("completed");
    // A row holds the state at the end of its minute: the first with two starts at `end`.
    let first_two = outcome
        .timeline
        .iter()
        .find(|row| row.in_service == 2)
        .expect("two in service");
    assert_eq!(first_two.time, end);
    end
}

// The action completes after 3 minutes: the instance, booted at 11m, waits at Pending:Wait
// until 13m; the activity ends then. Without a hook it is in service at 11m.
#[test]
fn a_launching_hook_holds_the_instance_until_its_action_completes() {
    let completes = hook(
        "launching",
        "heartbeat_timeout = \"10m\"\ndefault_result = \"abandon\"\ncompletes_after = \"3m\"",
    );
    assert_eq!(entered(&launching(&completes)), 780);
    assert_eq!(entered(&launching("")), 660);
    // An action shorter than the boot: the boot decides (both run at once).
    let quick = hook(
        "launching",
        "heartbeat_timeout = \"10m\"\ndefault_result = \"abandon\"\ncompletes_after = \"20s\"",
    );
    assert_eq!(entered(&launching(&quick)), 660);
    // No action: the timeout's default result, CONTINUE, lets it in at 15m.
    let timeout = hook(
        "launching",
        "heartbeat_timeout = \"5m\"\ndefault_result = \"continue\"",
    );
    assert_eq!(entered(&launching(&timeout)), 900);
    // Completing exactly at the timeout completes in time (its result, not the default).
    let tie = hook(
        "launching",
        "heartbeat_timeout = \"5m\"\ndefault_result = \"abandon\"\ncompletes_after = \"5m\"",
    );
    assert_eq!(entered(&launching(&tie)), 900);
}

// ABANDON on launch terminates the instance and the group launches another (it is below
// desired), which waits again: with no action and ABANDON by default (AWS's API default), every
// 5 minutes from 10m an instance is launched and abandoned until the run ends at 1h. Each is
// billed its 5 minutes: 10 x 300 s at 0.5 per hour, plus the first instance's hour.
#[test]
fn abandon_on_launch_terminates_and_replaces() {
    let text = launching(&hook(
        "launching",
        "heartbeat_timeout = \"5m\"\ndefault_result = \"abandon\"",
    ));
    let (loaded, outcome) = run(&text);
    let abandoned: Vec<u64> = outcome
        .activities
        .iter()
        .filter(|activity| {
            activity.cause
                == Cause::Replacement {
                    reason: ReplacementReason::Abandoned,
                }
        })
        .map(|activity| activity.start)
        .collect();
    assert_eq!(
        abandoned,
        vec![900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300]
    );
    let detail = outcome.activities[1].detail(&loaded.scenario);
    assert_eq!(
        detail,
        "lifecycle hook h-launching ended with ABANDON after 5m (its heartbeat timeout)"
    );
    assert_eq!(outcome.activities[1].terminated, vec![1]);
    let ends: Vec<EndReason> = outcome.instances.iter().map(|i| i.end).collect();
    assert_eq!(
        ends.iter()
            .filter(|end| **end == EndReason::Abandoned)
            .count(),
        9
    );
    // 9 abandoned x 300 s, the 10th launched at 55m still waiting at the end (300 s), the
    // first instance's hour: (10 x 300 + 3600) / 3600 x 0.5.
    assert_cost(&outcome, (10.0 * 300.0 + 3600.0) / 3600.0 * 0.5);
    // The action itself may abandon: completing with ABANDON after 2m ends the wait at 12m.
    let failing = launching(&hook(
        "launching",
        "heartbeat_timeout = \"5m\"\ndefault_result = \"continue\"\ncompletes_after = \"2m\"\nresult = \"abandon\"",
    ));
    let (_, outcome) = run(&failing);
    assert_eq!(outcome.activities[1].start, 720);
}

// A terminating hook: the instance removed at 30m leaves service at once (capacity drops,
// desired counts it no more) and is billed until its wait ends at 32m. Per-second billing at
// 0.5 per hour: 1 h + 32 min.
#[test]
fn a_terminating_hook_bills_the_wait_out_of_service() {
    let text = scenario(
        "1h",
        "base_rps = 50",
        &format!(
            "min = 1\nmax = 3\ndesired = 2\n\n{}\n\n[[group.scheduled]]\nname = \"shrink\"\nat = \"30m\"\ndesired = 1",
            hook(
                "terminating",
                "heartbeat_timeout = \"1h\"\ndefault_result = \"continue\"\ncompletes_after = \"2m\""
            )
        ),
    );
    let (_, outcome) = run(&text);
    assert_eq!(
        statuses(&outcome),
        vec![(1800, ActivityStatus::Successful, 2, 1)]
    );
    let removed = &outcome.instances[0];
    assert_eq!((removed.ended_at, removed.end), (1920, EndReason::ScaleIn));
    assert_cost(&outcome, (3600.0 + 1920.0) / 3600.0 * 0.5);
    let row = outcome
        .timeline
        .iter()
        .find(|row| row.time == 1800)
        .unwrap();
    assert_eq!((row.in_service, row.desired), (1, 1));
}

// Two terminating hooks run together: the wait is the longer one's, unless one ends with
// ABANDON first ("stops any remaining actions").
#[test]
fn terminating_hooks_wait_for_the_last_or_the_first_abandon() {
    let ended = |second: &str| {
        let hooks = format!(
            "{}\n\n[[group.lifecycle_hook]]\nname = \"second\"\ntransition = \"terminating\"\n{second}",
            hook(
                "terminating",
                "heartbeat_timeout = \"1h\"\ndefault_result = \"continue\"\ncompletes_after = \"10m\""
            )
        );
        let text = scenario(
            "1h",
            "base_rps = 50",
            &format!(
                "min = 1\nmax = 3\ndesired = 2\n\n{hooks}\n\n[[group.scheduled]]\nname = \"shrink\"\nat = \"30m\"\ndesired = 1"
            ),
        );
        run(&text).1.instances[0].ended_at
    };
    assert_eq!(
        ended(
            "heartbeat_timeout = \"1h\"\ndefault_result = \"continue\"\ncompletes_after = \"4m\""
        ),
        1800 + 600
    );
    assert_eq!(
        ended(
            "heartbeat_timeout = \"1h\"\ndefault_result = \"continue\"\ncompletes_after = \"4m\"\nresult = \"abandon\""
        ),
        1800 + 240
    );
}

// Names are unique, the timeout positive and at most AWS's 48-hour global limit, and the
// default result has no default: the clouds disagree (AWS ABANDON, Tencent and ESS CONTINUE).
#[test]
fn hooks_are_checked() {
    let refused = |hooks: &str| {
        scaleplan::scenario::load_str("h.toml", &launching(hooks), std::path::Path::new("."))
            .map(|_| ())
            .expect_err("refused")
            .to_string()
    };
    let twice = format!(
        "{0}\n{0}",
        hook(
            "launching",
            "heartbeat_timeout = \"5m\"\ndefault_result = \"continue\""
        )
    );
    let message = refused(&twice);
    assert!(
        message.contains("lifecycle hook `h-launching` is defined twice"),
        "{message}"
    );
    let message = refused(&hook(
        "launching",
        "heartbeat_timeout = \"3d\"\ndefault_result = \"continue\"",
    ));
    assert!(
        message.contains("heartbeat timeout 3d is outside 1s..48h"),
        "{message}"
    );
    let message = refused(&hook("launching", "heartbeat_timeout = \"5m\""));
    assert!(
        message.contains("missing field `default_result`"),
        "{message}"
    );
}
