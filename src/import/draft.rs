//! The scenario an import builds: its instance types, groups and `[scenario]` lines, then
//! rendered with every line citing its source, and what was assumed listed.

use super::*;

/// One imported group: its table, its rules, tasks and alarms, and its desired capacity in
/// units (for the share of the load).
#[derive(Debug, Clone)]
pub(super) struct GroupDraft {
    pub(super) name: String,
    pub(super) units: f64,
    pub(super) table: Table,
    pub(super) children: Vec<Table>,
}

/// An instance type: the cloud's name, its weight and whether it has a preemptible offer.
#[derive(Debug, Clone)]
pub(super) struct TypeDraft {
    pub(super) name: String,
    pub(super) table: Table,
    pub(super) preemptible: bool,
    /// Seconds from launch to in service the input suggests, with the JSON path it came from
    /// and what the cloud means by it.
    pub(super) boot: Option<(u64, String, &'static str)>,
}

/// A scenario being built from a cloud's documents.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    /// "AWS Auto Scaling", ...
    pub(super) cloud: &'static str,
    /// Lines of `[scenario]` the cloud decides (`rounding`, `cooldown_blocks`).
    pub(super) scenario: Table,
    pub(super) types: Vec<TypeDraft>,
    pub(super) groups: Vec<GroupDraft>,
    /// The types the group being imported launches (declared since `start_group`).
    pub(super) group_types: Vec<String>,
}

impl Draft {
    pub(super) fn new(cloud: &'static str) -> Self {
        Draft {
            cloud,
            scenario: Table::new("[scenario]"),
            types: Vec::new(),
            groups: Vec::new(),
            group_types: Vec::new(),
        }
    }

    /// Declares an instance type (once; a weight given later is added if none was).
    pub(super) fn instance_type(
        &mut self,
        name: &str,
        weight: Option<(f64, &Node<'_>)>,
        preemptible: bool,
    ) {
        let index = match self.types.iter().position(|kind| kind.name == name) {
            Some(index) => index,
            None => {
                let mut table = Table::new(&format!("[instance_types.{}]", quoted(name)));
                table.set("capacity_rps", "CAPACITY".into(), None).set(
                    "price_per_hour",
                    "PRICE".into(),
                    None,
                );
                self.types.push(TypeDraft {
                    name: name.to_string(),
                    table,
                    preemptible: false,
                    boot: None,
                });
                self.types.len() - 1
            }
        };
        if !self.group_types.iter().any(|kind| kind == name) {
            self.group_types.push(name.to_string());
        }
        let kind = &mut self.types[index];
        if let Some((weight, source)) = weight
            && !kind.table.lines.iter().any(|line| line.key == "weight")
        {
            kind.table.set("weight", number(weight), Some(source));
        }
        kind.preemptible |= preemptible;
    }

    /// Starts a group: the types it declares from now on are its own.
    pub(super) fn start_group(&mut self) {
        self.group_types.clear();
    }

    /// Evidence of the boot time of the current group's types (the first kept where groups
    /// disagree); whether it was a usable number of seconds.
    pub(super) fn boot_evidence(&mut self, node: &Node<'_>, meaning: &'static str) -> bool {
        let Some(seconds) = node.value.as_f64().filter(|seconds| *seconds >= 0.0) else {
            return false;
        };
        let types = &self.group_types;
        for kind in self
            .types
            .iter_mut()
            .filter(|kind| types.contains(&kind.name))
        {
            kind.boot
                .get_or_insert((seconds.round() as u64, node.path.clone(), meaning));
        }
        true
    }

    /// Fills the instance types' capacity, price and boot time, and returns every value
    /// assumed rather than measured, by sweep path, with the TOML value written.
    pub(super) fn settle_types(&mut self, settings: &ImportSettings) -> Vec<(String, String)> {
        let mut assumed = Vec::new();
        for kind in &mut self.types {
            let path = |key: &str| format!("instance_types.{}.{key}", kind.name);
            for line in &mut kind.table.lines {
                let (given, placeholder, flag, what) = match line.value.as_str() {
                    "CAPACITY" => (
                        settings.capacity_rps,
                        PLACEHOLDER_CAPACITY_RPS,
                        "--capacity-rps",
                        "measure it",
                    ),
                    "PRICE" => (
                        settings.price_per_hour,
                        PLACEHOLDER_PRICE_PER_HOUR,
                        "--price-per-hour",
                        "your pay-as-you-go price",
                    ),
                    _ => continue,
                };
                line.value = number(given.unwrap_or(placeholder));
                line.note = Some(match given {
                    Some(_) => format!("not in the cloud's output: from {flag}"),
                    None => {
                        assumed.push((path(&line.key), line.value.clone()));
                        format!("not in the cloud's output: ASSUMED ({what}, or pass {flag})")
                    }
                });
            }
            let boot = match (settings.boot_time, &kind.boot) {
                (Some(seconds), _) => (seconds, "from --boot-time".to_string(), None),
                (None, Some((seconds, source, meaning))) => (
                    *seconds,
                    format!("from {source}: {meaning}; pass --boot-time for a measured one"),
                    Some(source.clone()),
                ),
                (None, None) => {
                    let value = format!("\"{}\"", crate::time::format_duration(0));
                    assumed.push((path("boot_time"), value));
                    (
                        0,
                        "not in the cloud's output: ASSUMED (instances serve the moment they launch; measure a launch, or pass --boot-time)".to_string(),
                        None,
                    )
                }
            };
            kind.table.lines.push(Line {
                key: "boot_time".into(),
                value: format!("\"{}\"", crate::time::format_duration(boot.0)),
                source: boot.2,
                note: Some(boot.1),
            });
        }
        assumed
    }

    pub(super) fn render(mut self, settings: &ImportSettings, items: &[Item]) -> String {
        let names: Vec<&str> = self
            .groups
            .iter()
            .map(|group| group.name.as_str())
            .collect();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Imported from {}: {}.\n# Each converted value names the JSON path it came from. Set the instance types'\n# capacity and price and the load before trusting the numbers.",
            self.cloud,
            names.join(", ")
        );
        let mut scenario = Table::new("[scenario]");
        scenario
            .set(
                "name",
                quoted(&format!("imported-{}", names.first().unwrap_or(&"group"))),
                None,
            )
            .set("start", quoted(&settings.start), None)
            .set("duration", quoted(&settings.duration), None);
        scenario.lines.append(&mut self.scenario.lines);
        let mut assumed = self.settle_types(settings);
        if settings.trace.is_none() && settings.base_rps.is_none() {
            assumed.push(("load.base_rps".into(), number(PLACEHOLDER_BASE_RPS)));
        }
        if !assumed.is_empty() {
            let entries: Vec<String> = (assumed.iter())
                .map(|(path, value)| format!("{} = {value}", quoted(path)))
                .collect();
            scenario
                .set("assumed", format!("{{ {} }}", entries.join(", ")), None)
                .note("values nobody measured: run, compare and plan name each one still in the file; set the real value (and drop it here)");
        }
        scenario.render(&mut out);
        for kind in &mut self.types {
            if kind.preemptible {
                kind.table.set(
                    "preemptible",
                    "{ discount = 0.7, reclaim_rate = 0.05 }".into(),
                    None,
                );
                kind.table.note("placeholder, not in the cloud's output: the spot discount and reclaim rate you see");
            }
            kind.table.render(&mut out);
        }
        let mut load = Table::new("[load]");
        match &settings.trace {
            Some(path) => {
                load.header = "[load.trace]".into();
                load.set("path", quoted(path), None);
                load.note("the trace given with --trace: each group gets its load_share of it");
            }
            None => {
                let rate = settings.base_rps.unwrap_or(PLACEHOLDER_BASE_RPS);
                load.set("base_rps", number(rate), None);
                load.note(match settings.base_rps {
                    Some(_) => "from --base-rps: replay a trace with --trace or [load.trace]",
                    None => "ASSUMED: replay a trace with --trace or [load.trace]",
                });
            }
        }
        load.render(&mut out);
        let shares = shares(&self.groups);
        for (group, share) in self.groups.iter_mut().zip(shares) {
            if let Some((share, why)) = share {
                group.table.set("load_share", share, None).note(why);
            }
            group.table.render(&mut out);
            for child in &group.children {
                child.render(&mut out);
            }
        }
        let lines = listed(items);
        if !lines.is_empty() {
            let _ = writeln!(
                out,
                "\n# Not imported exactly ({} line(s)): scaleplan does not model these, models them\n# approximately, or they have no effect on a simulation.",
                lines.len()
            );
            for line in lines {
                let _ = writeln!(out, "# - {line}");
            }
        }
        out
    }
}

/// Each group's share of the load when there are several: in proportion to its desired
/// capacity (the traffic each serves today, if each is sized for its own), written in
/// ten-thousandths so the written shares add up to exactly 1.
pub(super) fn shares(groups: &[GroupDraft]) -> Vec<Option<(String, String)>> {
    if groups.len() < 2 {
        return vec![None; groups.len()];
    }
    let total: f64 = groups.iter().map(|group| group.units.max(0.0)).sum();
    let weight = |group: &GroupDraft| {
        if total > 0.0 {
            group.units.max(0.0) / total
        } else {
            1.0 / groups.len() as f64
        }
    };
    let mut left = 10_000_i64;
    groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            let part = if index + 1 == groups.len() {
                left
            } else {
                ((weight(group) * 10_000.0).round() as i64).min(left)
            };
            left -= part;
            let why = if total > 0.0 {
                format!(
                    "share of the load: desired capacity {} of {} across the imported groups; set the real split",
                    number(group.units),
                    number(total)
                )
            } else {
                "share of the load: an equal split (no group has a desired capacity); set the real split".to_string()
            };
            Some((number(part as f64 / 10_000.0), why))
        })
        .collect()
}
