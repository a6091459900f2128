//! Import an existing scaling group as a scenario: the JSON of AWS Auto Scaling
//! (`aws autoscaling describe-*`, `aws cloudwatch describe-alarms`), Tencent Cloud AS (`tccli as
//! Describe*`) or Alibaba Cloud ESS (`aliyun ess Describe*`).
//!
//! Each cloud's module reads its documents through a [`ledger::Node`] and fills a [`Draft`]:
//! scenario tables whose every line names the JSON path it came from. Every input item is
//! mapped, approximated (with why) or listed as not mapped (with why); the list goes to stderr
//! and into a comment block of the scenario. Instance capacity, price and the load are not in
//! any cloud's output: the scenario gets the values given (or placeholders) and says so.

pub mod alibaba;
pub mod aws;
mod draft;
mod ledger;
pub mod tencent;

use draft::{Draft, GroupDraft};
use ledger::Node;
pub use ledger::{Fate, Item};
use std::fmt::Write as _;

/// The placeholders written for what was not measured: each is listed in `[scenario] assumed`.
pub const PLACEHOLDER_CAPACITY_RPS: f64 = 100.0;
/// See [`PLACEHOLDER_CAPACITY_RPS`].
pub const PLACEHOLDER_PRICE_PER_HOUR: f64 = 0.1;
/// See [`PLACEHOLDER_CAPACITY_RPS`].
pub const PLACEHOLDER_BASE_RPS: f64 = 100.0;

/// What an import needs besides the JSON documents.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// Start of the simulated run (RFC 3339).
    pub start: String,
    /// Simulated span, e.g. "7d".
    pub duration: String,
    /// Requests per second one instance serves at 100% CPU (`None`: not measured; a
    /// placeholder is written and listed as assumed).
    pub capacity_rps: Option<f64>,
    /// Price per instance-hour (`None`: as `capacity_rps`).
    pub price_per_hour: Option<f64>,
    /// A constant load, requests per second, unless `trace` (`None`: as `capacity_rps`).
    pub base_rps: Option<f64>,
    /// Seconds from launch to in service (`None`: from the input's evidence where the cloud
    /// has it, else 0 s listed as assumed).
    pub boot_time: Option<u64>,
    /// Import only these groups (all when empty).
    pub groups: Vec<String>,
    /// A CSV load trace for `[load.trace]`, as the scenario should name it.
    pub trace: Option<String>,
    /// Import values scaleplan does not know, with what they are assumed to mean listed,
    /// rather than refuse them.
    pub lenient: bool,
}

impl ImportSettings {
    fn selects(&self, name: &str) -> bool {
        self.groups.is_empty() || self.groups.iter().any(|wanted| wanted == name)
    }
}

/// Why an import cannot build a scenario, and which input document it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// The document's list key (`AutoScalingGroups`, `ScalingPolicySet`, `ScalingRules`,
    /// ...): the command line names the file given for it.
    pub document: &'static str,
    /// What is wrong with it.
    pub message: String,
}

impl ImportError {
    fn new(document: &'static str, message: impl Into<String>) -> Self {
        ImportError {
            document,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImportError {}

/// The cloud's own error, when `value` is an error body instead of the listing: Tencent's
/// `Response.Error` (API 3.0) and ESS's top-level `Code` and `Message`, as "Code: Message".
fn error_body(value: &serde_json::Value) -> Option<String> {
    let error = value
        .get("Response")
        .and_then(|response| response.get("Error"))
        .unwrap_or(value);
    let text = |key: &str| error.get(key).and_then(serde_json::Value::as_str);
    match (text("Code"), text("Message")) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code.to_string()),
        (None, Some(message)) if value.get("Response").is_some() => Some(message.to_string()),
        _ => None,
    }
}

/// The imported scenario and the fate of every input item.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// Scenario TOML.
    pub toml: String,
    /// Every input item that was read or listed, by JSON path.
    pub items: Vec<Item>,
}

impl Imported {
    /// One line per item not mapped exactly (ignored items grouped by kind), as listed in the
    /// scenario's comment block.
    pub fn listed(&self) -> Vec<String> {
        listed(&self.items)
    }
}

fn listed(items: &[Item]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut ignored: Vec<(&str, Vec<&str>)> = Vec::new();
    for item in items {
        match &item.fate {
            Fate::Mapped => {}
            Fate::Approximated(why) => lines.push(format!("approximated: {}: {why}", item.path)),
            Fate::NotMapped(why) => lines.push(format!("not imported: {}: {why}", item.path)),
            Fate::Unknown(why) => lines.push(format!("ASSUMED: {}: {why}", item.path)),
            Fate::Ignored(kind) => match ignored.iter_mut().find(|(seen, _)| seen == kind) {
                Some((_, paths)) => paths.push(&item.path),
                None => ignored.push((kind, vec![&item.path])),
            },
        }
    }
    for (kind, paths) in ignored {
        lines.push(format!(
            "ignored ({kind}, no effect on a simulation): {}",
            paths.join(", ")
        ));
    }
    lines
}

/// A TOML string literal, escaped by the scenario writer.
pub fn quoted(value: &str) -> String {
    crate::scenario::write::inline(value)
}

/// A TOML list of string literals.
fn quoted_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = values.into_iter().map(quoted).collect();
    format!("[{}]", items.join(", "))
}

/// How many of `count` instances a balanced group starts with in each of `zones` zones:
/// one each in list order, round after round (scaleplan's placement at time 0).
fn balanced_start(count: usize, zones: usize) -> Vec<usize> {
    (0..zones)
        .map(|zone| count / zones + usize::from(zone < count % zones))
        .collect()
}

/// A duration literal in seconds.
fn seconds(value: f64) -> String {
    format!("\"{}s\"", value.max(0.0) as u64)
}

/// A number as TOML writes it, exactly.
fn number(value: f64) -> String {
    crate::number::exact(value)
}

/// One `key = value` line, with the JSON path it came from and a note on a conversion.
#[derive(Debug, Clone)]
struct Line {
    key: String,
    value: String,
    source: Option<String>,
    note: Option<String>,
}

/// One scenario table (`[[group.rule]]`, ...) as lines.
#[derive(Debug, Clone)]
pub struct Table {
    header: String,
    lines: Vec<Line>,
}

impl Table {
    fn new(header: &str) -> Self {
        Table {
            header: header.to_string(),
            lines: Vec::new(),
        }
    }

    /// Adds `key = value`, commented with the path of `source` (which the caller has read).
    fn set(&mut self, key: &str, value: String, source: Option<&Node<'_>>) -> &mut Self {
        self.lines.push(Line {
            key: key.to_string(),
            value,
            source: source.map(|node| node.path.clone()),
            note: None,
        });
        self
    }

    /// Adds `key = value` from the member `field` of `node`, commented with its path (recorded
    /// as mapped).
    fn from(&mut self, key: &str, value: String, node: &Node<'_>, field: &str) -> &mut Self {
        match node.get(field) {
            Some(source) => {
                source.mapped();
                self.set(key, value, Some(&source))
            }
            // A default: cite the object it belongs to (not read as a whole) and say so.
            None => self.set(key, value, Some(node)).note(format!(
                "`{field}` is not in the input: the value below is assumed"
            )),
        }
    }

    /// A comment line above the last line added, saying how a value was converted.
    fn note(&mut self, note: impl Into<String>) -> &mut Self {
        if let Some(line) = self.lines.last_mut() {
            line.note = Some(note.into());
        }
        self
    }

    fn render(&self, out: &mut String) {
        let _ = writeln!(out, "\n{}", self.header);
        for line in &self.lines {
            if let Some(note) = &line.note {
                let _ = writeln!(out, "# {note}");
            }
            let _ = write!(out, "{} = {}", line.key, line.value);
            match &line.source {
                Some(source) => {
                    let _ = writeln!(out, "    # {source}");
                }
                None => out.push('\n'),
            }
        }
    }
}

/// A cloud's list of removal (termination) policies as `removal_policy`, in its order: each
/// element named in `vocabulary` (cloud name, scaleplan name) is mapped, any other is not
/// imported with its name (the rest keep their order). `source` is the list, cited.
fn import_removal(
    table: &mut Table,
    source: &Node<'_>,
    elements: &[Node<'_>],
    vocabulary: &[(&str, &str)],
) {
    let mut names = Vec::new();
    for element in elements {
        let value = element.value.as_str().unwrap_or("");
        match vocabulary.iter().find(|(cloud, _)| *cloud == value) {
            Some((_, name)) if !names.contains(name) => {
                element.mapped();
                names.push(*name);
            }
            Some(_) => element.not_mapped(format!("removal policy {value}: listed twice")),
            None => element.not_mapped(format!("removal policy {value}: not modelled")),
        }
    }
    let value = match names.as_slice() {
        [] => return,
        [one] => quoted(one),
        _ => format!(
            "[{}]",
            names
                .iter()
                .map(|name| quoted(name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    table.set("removal_policy", value, Some(source));
}

/// The run's start and end, when the settings parse (validation reports them otherwise).
fn run_bounds(
    settings: &ImportSettings,
) -> Option<(
    chrono::DateTime<chrono::FixedOffset>,
    chrono::DateTime<chrono::FixedOffset>,
)> {
    let start = chrono::DateTime::parse_from_rfc3339(&settings.start).ok()?;
    let span = crate::time::parse_duration(&settings.duration).ok()?;
    Some((
        start,
        start + chrono::Duration::seconds(i64::try_from(span).ok()?),
    ))
}

/// Whether the date-time `at` falls in the simulated run (true when either does not parse:
/// validation then names the bad value).
fn within_run(at: &str, settings: &ImportSettings) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(at),
        run_bounds(settings),
    ) {
        (Ok(at), Some((start, end))) => start <= at && at < end,
        _ => true,
    }
}

/// Whether a recurrence that the cloud starts at `begins` would fire in the run before then:
/// scaleplan runs a recurrence from the start of the run, so such firings are extra. True when
/// anything does not parse (the caller then says it is approximated).
fn fires_before(pattern: &str, zone: &str, begins: &str, settings: &ImportSettings) -> bool {
    let Ok(begins) = chrono::DateTime::parse_from_rfc3339(begins) else {
        return true;
    };
    let Some((start, _)) = run_bounds(settings) else {
        return true;
    };
    if begins <= start {
        return false;
    }
    let parsed = croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Disallowed)
        .year(croner::parser::Year::Disallowed)
        .build()
        .parse(pattern);
    let (Ok(cron), Ok(zone)) = (parsed, zone.parse::<chrono_tz::Tz>()) else {
        return true;
    };
    let local = start.with_timezone(&zone);
    cron.find_next_occurrence(&local, true)
        .map_or(true, |first| first.fixed_offset() < begins)
}

/// A cloud's comparison operators, in scaleplan's words; and its statistics.
type Vocabulary = [(&'static str, &'static str)];

/// The member `key` of `node` in scaleplan's words by `table` (`absent` when missing); `Err`
/// says which value is not modelled. Not recorded as read: the caller decides whether it maps.
fn word(
    node: &Node<'_>,
    key: &str,
    absent: &str,
    table: &Vocabulary,
) -> Result<&'static str, String> {
    let value = node.peek(key).unwrap_or(absent);
    table
        .iter()
        .find(|(cloud, _)| *cloud == value)
        .map(|(_, ours)| *ours)
        .ok_or_else(|| format!("{key} {value}: not modelled"))
}

/// Refuses an import holding values scaleplan does not know, unless it is lenient: each one's
/// JSON path, value and the values known, against the document it is in (one of
/// `documents`, by its list key, which starts every path).
fn refuse_unknown(
    items: &[Item],
    settings: &ImportSettings,
    documents: &[&'static str],
) -> Result<(), ImportError> {
    let unknown: Vec<&Item> = (items.iter())
        .filter(|item| matches!(item.fate, Fate::Unknown(_)))
        .collect();
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    if settings.lenient {
        return Ok(());
    }
    let document = (documents.iter())
        .find(|key| {
            first
                .path
                .strip_prefix(**key)
                .is_some_and(|rest| rest.starts_with(['[', '.']))
        })
        .copied()
        .unwrap_or(documents[0]);
    let lines: Vec<String> = (unknown.iter())
        .map(|item| match &item.fate {
            Fate::Unknown(why) => format!("  {}: {why}", item.path),
            _ => String::new(),
        })
        .collect();
    Err(ImportError::new(
        document,
        format!(
            "{} value(s) scaleplan does not know, nothing written:\n{}\n(pass --lenient to import them as assumed, each listed in the scenario)",
            unknown.len(),
            lines.join("\n")
        ),
    ))
}

/// The names of `groups` (their member `key`), checked against `--group`.
fn group_names(
    groups: &[Node<'_>],
    document: &'static str,
    key: &str,
    settings: &ImportSettings,
) -> Result<Vec<String>, ImportError> {
    let names: Vec<String> = groups
        .iter()
        .filter_map(|group| group.value.get(key)?.as_str().map(str::to_string))
        .collect();
    check_selection(settings, &names).map_err(|message| ImportError::new(document, message))?;
    Ok(names)
}

/// A launch or scaling configuration's instance types in priority order: the list
/// `InstanceTypes` (wrapped under `singular` in ESS 2014-08-28), else the single
/// `InstanceType`; beside the list, `InstanceType` is the list's first, or listed.
fn configuration_types<'a>(
    configuration: &Node<'a>,
    singular: Option<&str>,
) -> Vec<(String, Node<'a>)> {
    let mut types: Vec<(String, Node<'a>)> = configuration
        .items("InstanceTypes", singular)
        .into_iter()
        .filter_map(|node| {
            let kind = node.value.as_str()?.to_string();
            node.mapped();
            Some((kind, node))
        })
        .collect();
    match (configuration.text("InstanceType"), types.first()) {
        (Some(kind), None) => {
            types.push((kind.to_string(), configuration.get("InstanceType").unwrap()))
        }
        (Some(kind), Some((first, _))) if kind == first => {
            configuration.ignore("InstanceType", "the first of InstanceTypes, which are used")
        }
        (Some(kind), Some(_)) => configuration
            .get("InstanceType")
            .unwrap()
            .not_mapped(format!(
                "{kind} is not the first of InstanceTypes, which are used"
            )),
        (None, _) => {}
    }
    types
}

/// Step adjustments (AWS `StepAdjustments`, ESS `StepAdjustments.StepAdjustment[]`) as a
/// `steps` list: bounds relative to the alarm threshold and `key` (`change`, ...) each.
fn steps(adjustments: &[Node<'_>], key: &str, whole: bool) -> String {
    let items: Vec<String> = adjustments
        .iter()
        .map(|step| {
            let mut parts = Vec::new();
            if let Some(lower) = step.number("MetricIntervalLowerBound") {
                parts.push(format!("lower = {}", number(lower)));
            }
            if let Some(upper) = step.number("MetricIntervalUpperBound") {
                parts.push(format!("upper = {}", number(upper)));
            }
            parts.push(format!(
                "{key} = {}",
                adjustment(step.number("ScalingAdjustment").unwrap_or(0.0), whole)
            ));
            format!("{{ {} }}", parts.join(", "))
        })
        .collect();
    format!("[{}]", items.join(", "))
}

/// An adjustment value: whole for instance counts and capacities, exact for percents.
fn adjustment(value: f64, whole: bool) -> String {
    if whole {
        format!("{}", value as i64)
    } else {
        number(value)
    }
}

/// The sizes a scheduled action or task sets (`(key, field)` for min, max and desired);
/// false, with the item listed, when it sets none.
fn sizes(table: &mut Table, node: &Node<'_>, fields: [(&str, &str); 3], what: &str) -> bool {
    let mut any = false;
    for (key, field) in fields {
        if let Some(value) = node.number(field) {
            table.from(key, number(value.max(0.0)), node, field);
            any = true;
        }
    }
    if !any {
        node.not_mapped(format!("{what} that sets no size"));
    }
    any
}

/// Checks that every group asked for with `--group` exists.
fn check_selection(settings: &ImportSettings, names: &[String]) -> Result<(), String> {
    match settings
        .groups
        .iter()
        .find(|wanted| !names.contains(wanted))
    {
        Some(missing) => Err(format!(
            "no group named `{missing}` in the groups file; it has: {}",
            names.join(", ")
        )),
        None if names.is_empty() => Err("the groups file lists no group".into()),
        None => Ok(()),
    }
}

/// Fields no cloud's simulation depends on, by name pattern: identifiers, timestamps, tags,
/// descriptions and response metadata. `None`: not known to be irrelevant.
fn ignored_everywhere(key: &str) -> Option<&'static str> {
    const METADATA: [&str; 6] = [
        "RequestId",
        "TotalCount",
        "PageNumber",
        "PageSize",
        "NextToken",
        "Code",
    ];
    if METADATA.contains(&key) {
        Some("response metadata")
    } else if key.ends_with("Id")
        || key.ends_with("Ids")
        || key.ends_with("IdSet")
        || key.ends_with("ARN")
        || key.ends_with("ARNs")
        || key.ends_with("Arn")
        || key.ends_with("Ari")
        || key.ends_with("Name")
    {
        Some("an identifier or name")
    } else if key.ends_with("Time") && !matches!(key, "StartTime" | "EndTime" | "LaunchTime") {
        Some("a timestamp")
    } else if matches!(key, "Tags" | "Tag" | "Description" | "InstanceTags") {
        Some("a tag or description")
    } else {
        None
    }
}
