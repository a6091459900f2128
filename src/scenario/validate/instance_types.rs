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
                // Zone tables are resolved once the groups' zones are known ([`zone_values`]).
                stock: PerZone::Every(match wire_type.stock.as_ref().map(Spanned::get_ref) {
                    Some(wire::PerZoneWire::Every(stock)) => Some(*stock),
                    _ => None,
                }),
                no_stock_probability: PerZone::Every(
                    match wire_type.no_stock_probability.as_ref() {
                        Some(probability) => match probability.get_ref() {
                            wire::PerZoneWire::Every(value) => no_stock_chance(
                                checker,
                                name,
                                Spanned::new(probability.span(), *value),
                            ),
                            wire::PerZoneWire::Each(zones) => {
                                for (_, value) in zones {
                                    no_stock_chance(
                                        checker,
                                        name,
                                        Spanned::new(probability.span(), *value),
                                    );
                                }
                                0.0
                            }
                        },
                        None => 0.0,
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

fn no_stock_chance(checker: &mut Checker, name: &str, value: Spanned<f64>) -> f64 {
    checker.number(
        &value,
        &format!("instance_types.{name}.no_stock_probability"),
        0.0,
        1.0,
        "the chance that one launch finds no stock, e.g. 0.05",
    )
}

/// Resolves the zone-by-zone forms of `stock`, `no_stock_probability` and
/// `preemptible.stock` against the scenario's zones: a table names zones of the groups that
/// launch the type, every one of them (a zone left out would be unlimited by accident).
pub(super) fn zone_values(
    checker: &mut Checker,
    wire_types: &BTreeMap<String, wire::InstanceType>,
    types: &mut [InstanceType],
    groups: &[ScalingGroup],
    zones: &[String],
) {
    for (index, ((name, wire_type), kind)) in wire_types.iter().zip(types.iter_mut()).enumerate() {
        // Zones of the groups that can launch this type.
        let mut used: Vec<usize> = Vec::new();
        let mut unzoned = None;
        for group in groups {
            let launches = group
                .configurations
                .iter()
                .any(|configuration| configuration.instance_types.contains(&index));
            if launches {
                used.extend(&group.zones);
                if zones[group.zones[0]].is_empty() {
                    unzoned = Some(group.name.as_str());
                }
            }
        }
        let mut resolve = |field: &str, table: &[(String, ())], span: std::ops::Range<usize>| {
            let field = format!("instance_types.{name}.{field}");
            if let Some(group) = unzoned {
                checker.error(
                    span.clone(),
                    &field,
                    format!(
                        "`{}` is given by zone, but group `{group}` lists no `zones`",
                        field.trim_start_matches(&format!("instance_types.{name}."))
                    ),
                    "give the group `zones = [...]`, or write one number for every zone",
                );
                return None;
            }
            let mut ids = Vec::new();
            for (zone, ()) in table {
                match zones.iter().position(|known| known == zone) {
                    Some(id) if used.contains(&id) => ids.push(id),
                    _ => {
                        let names: Vec<&str> = used.iter().map(|id| zones[*id].as_str()).collect();
                        checker.error(
                            span.clone(),
                            &field,
                            format!(
                                "zone `{zone}` is not a zone of a group that launches `{name}`"
                            ),
                            match did_you_mean(zone, names.iter().copied()) {
                                Some(close) if zone.len() > 2 => {
                                    format!("did you mean `{close}`?")
                                }
                                _ => format!(
                                    "the zones of the groups that launch it: {}",
                                    names.join(", ")
                                ),
                            },
                        );
                        return None;
                    }
                }
            }
            if let Some(missing) = used.iter().find(|id| !ids.contains(id)) {
                checker.error(
                    span,
                    &field,
                    format!("no value for zone `{}`, where a group launches `{name}`", zones[*missing]),
                    "name every zone of the groups that launch the type, or write one number for all",
                );
                return None;
            }
            Some(ids)
        };
        let names = |table: &[(String, u32)]| -> Vec<(String, ())> {
            table.iter().map(|(zone, _)| (zone.clone(), ())).collect()
        };
        if let Some(stock) = &wire_type.stock
            && let wire::PerZoneWire::Each(table) = stock.get_ref()
            && let Some(ids) = resolve("stock", &names(table), stock.span())
        {
            kind.stock = PerZone::Each(by_zone(zones.len(), &ids, table, None, Some));
        }
        if let Some(probability) = &wire_type.no_stock_probability
            && let wire::PerZoneWire::Each(table) = probability.get_ref()
        {
            let keys: Vec<(String, ())> =
                table.iter().map(|(zone, _)| (zone.clone(), ())).collect();
            if let Some(ids) = resolve("no_stock_probability", &keys, probability.span()) {
                kind.no_stock_probability =
                    PerZone::Each(by_zone(zones.len(), &ids, table, 0.0, |value| value));
            }
        }
        if let Some(offer) = &wire_type.preemptible
            && let Some(stock) = &offer.get_ref().stock
            && let wire::PerZoneWire::Each(table) = stock.get_ref()
            && let Some(ids) = resolve("preemptible.stock", &names(table), stock.span())
            && let Some(spot) = &mut kind.preemptible
        {
            spot.stock = PerZone::Each(by_zone(zones.len(), &ids, table, None, Some));
        }
    }
}

/// A zone table laid out by zone index (`ids[i]` is the zone of `table[i]`), `absent`
/// elsewhere.
fn by_zone<T: Copy, V: Copy>(
    zones: usize,
    ids: &[usize],
    table: &[(String, T)],
    absent: V,
    value: impl Fn(T) -> V,
) -> Vec<V> {
    let mut values = vec![absent; zones];
    for (id, (_, entry)) in ids.iter().zip(table) {
        values[*id] = value(*entry);
    }
    values
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
        stock: PerZone::Every(match wire.stock.as_ref().map(Spanned::get_ref) {
            Some(wire::PerZoneWire::Every(stock)) => Some(*stock),
            _ => None,
        }),
        notice,
    })
}
