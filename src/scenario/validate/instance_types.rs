//! The `[instance_types.NAME]` tables: capacity, price, billing, stock and preemptible offers.

use super::*;
use std::collections::BTreeMap;

/// Validates every instance type, in name order (the order groups refer to them by index).
pub(super) fn instance_types(
    checker: &mut Checker,
    types: &Spanned<BTreeMap<String, wire::InstanceType>>,
    clock: &Clock,
    duration: Seconds,
) -> Vec<InstanceType> {
    if types.get_ref().is_empty() {
        checker.error(
            types.span(),
            "instance_types",
            "no instance types",
            "add e.g. [instance_types.small] with capacity_rps and price_per_hour",
        );
    }
    types
        .get_ref()
        .iter()
        .map(|(name, wire_type)| {
            let granularity = wire_type
                .billing_granularity
                .as_ref()
                .map_or(BILLING_GRANULARITY, |value| value.get_ref().0);
            if granularity == 0 {
                let span = wire_type
                    .billing_granularity
                    .as_ref()
                    .map_or(0..0, Spanned::span);
                checker.error(
                    span,
                    &format!("instance_types.{name}.billing_granularity"),
                    "billing granularity must be at least 1s",
                    "\"1s\" for per-second, \"1h\" for hourly billing",
                );
            }
            InstanceType {
                name: name.clone(),
                capacity_rps: checker.number(
                    &wire_type.capacity_rps,
                    &format!("instance_types.{name}.capacity_rps"),
                    f64::MIN_POSITIVE,
                    f64::INFINITY,
                    "requests per second one instance serves at 100% CPU",
                ),
                price_per_hour: checker.number(
                    &wire_type.price_per_hour,
                    &format!("instance_types.{name}.price_per_hour"),
                    0.0,
                    f64::INFINITY,
                    "price per instance-hour",
                ),
                boot_time: wire_type.boot_time.map_or(0, |value| value.0),
                billing_granularity: granularity.max(1),
                billing_minimum: wire_type
                    .billing_minimum
                    .map_or(BILLING_MINIMUM, |value| value.0),
                weight: wire_type.weight.as_ref().map_or(WEIGHT, |weight| {
                    if *weight.get_ref() == 0 {
                        checker.error(
                            weight.span(),
                            &format!("instance_types.{name}.weight"),
                            "`weight` is 0, must be at least 1",
                            "capacity units one instance counts for, e.g. 2 for a type twice as big",
                        );
                    }
                    (*weight.get_ref()).max(1)
                }),
                stock: wire_type.stock,
                no_stock_probability: wire_type.no_stock_probability.as_ref().map_or(
                    0.0,
                    |probability| {
                        checker.number(
                            probability,
                            &format!("instance_types.{name}.no_stock_probability"),
                            0.0,
                            1.0,
                            "the chance that one launch finds no stock, e.g. 0.05",
                        )
                    },
                ),
                preemptible: wire_type
                    .preemptible
                    .as_ref()
                    .and_then(|offer| preemptible(checker, name, offer, clock, duration)),
            }
        })
        .collect()
}

/// A type's preemptible offer: a discount and a reclamation rate, or a price trace and a bid.
fn preemptible(
    checker: &mut Checker,
    name: &str,
    offer: &Spanned<wire::PreemptibleWire>,
    clock: &Clock,
    duration: Seconds,
) -> Option<Preemptible> {
    let field = format!("instance_types.{name}.preemptible");
    let wire = offer.get_ref();
    let notice = wire.notice.map_or(RECLAIM_NOTICE, |value| value.0);
    let reclamation = match (&wire.price_trace, &wire.bid) {
        (Some(trace), Some(bid)) => {
            if wire.discount.is_some() || wire.reclaim_rate.is_some() {
                checker.error(
                    offer.span(),
                    &field,
                    "a price trace sets the price and the reclamations: `discount` and `reclaim_rate` do not apply",
                    "keep either { discount, reclaim_rate } or { price_trace, bid }",
                );
            }
            let bid = checker.number(
                bid,
                &format!("{field}.bid"),
                0.0,
                f64::INFINITY,
                "the highest price per hour the group pays",
            );
            let mut points: Vec<(SimTime, f64)> = Vec::new();
            for point in trace.get_ref() {
                let price = checker.number(
                    &point.price,
                    &format!("{field}.price_trace.price"),
                    0.0,
                    f64::INFINITY,
                    "price per hour",
                );
                let Some(at) = instant(clock, *point.at.get_ref()) else {
                    checker.error(
                        point.at.span(),
                        &format!("{field}.price_trace.at"),
                        "price point before the scenario starts",
                        "use an offset such as \"36h\"",
                    );
                    continue;
                };
                if points.last().is_some_and(|(last, _)| *last >= at) {
                    checker.error(
                        point.at.span(),
                        &format!("{field}.price_trace.at"),
                        "price points must be in increasing time order",
                        "sort the trace by `at`",
                    );
                }
                points.push((at.min(duration), price));
            }
            match points.first_mut() {
                // The first price holds from the start.
                Some(first) => first.0 = 0,
                None => checker.error(
                    trace.span(),
                    &format!("{field}.price_trace"),
                    "empty price trace",
                    "add e.g. { at = \"0h\", price = 0.03 }",
                ),
            }
            Reclamation::PriceTrace { points, bid }
        }
        (None, None) => {
            let rate = wire.reclaim_rate.as_ref().map_or(0.0, |rate| {
                checker.number(
                    rate,
                    &format!("{field}.reclaim_rate"),
                    0.0,
                    f64::INFINITY,
                    "reclamations per instance-hour, e.g. 0.05",
                )
            });
            if wire.discount.is_none() {
                checker.error(
                    offer.span(),
                    &field,
                    "a preemptible offer needs a `discount` (or a `price_trace` and a `bid`)",
                    "e.g. preemptible = { discount = 0.7, reclaim_rate = 0.05 }",
                );
            }
            Reclamation::Rate(rate)
        }
        (Some(trace), None) => {
            checker.error(
                trace.span(),
                &format!("{field}.bid"),
                "a price trace needs a `bid`",
                "the highest price per hour the group pays, e.g. bid = 0.05",
            );
            return None;
        }
        (None, Some(bid)) => {
            checker.error(
                bid.span(),
                &format!("{field}.price_trace"),
                "a bid needs a `price_trace`",
                "add price_trace = [{ at = \"0h\", price = 0.03 }, ...]",
            );
            return None;
        }
    };
    let discount = wire.discount.as_ref().map_or(0.0, |discount| {
        checker.number(
            discount,
            &format!("{field}.discount"),
            0.0,
            1.0,
            "the share off the pay-as-you-go price, e.g. 0.7",
        )
    });
    Some(Preemptible {
        discount,
        reclamation,
        stock: wire.stock,
        notice,
    })
}
