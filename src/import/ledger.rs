//! Every item of an imported document is accounted for: read and mapped, approximated, or
//! listed as not mapped with the reason. Nothing the user gave can vanish silently.
//!
//! The importers read the JSON through [`Node`], which records each field it reads; at the end
//! [`Ledger::finish`] walks the documents and lists every field nobody read, with the cloud's
//! reason when it is known to have no effect on a simulation (identifiers, timestamps, ...) and
//! "not read" otherwise.

use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// What became of one item of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Read and written to the scenario.
    Mapped,
    /// Written to the scenario, but the simulation only approximates it: why.
    Approximated(String),
    /// Not in the scenario: why.
    NotMapped(String),
    /// Not in the scenario because it has no effect on a simulation (an identifier, a
    /// timestamp, a network name): which kind.
    Ignored(&'static str),
    /// A value scaleplan does not know for the field: the import is refused unless it is
    /// lenient, and then the text says what was assumed in its place.
    Unknown(String),
}

/// One item of the input and its fate, by JSON path (`AutoScalingGroups[0].MinSize`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub path: String,
    pub fate: Fate,
}

/// The fates recorded so far, by path.
#[derive(Debug, Default)]
pub struct Ledger {
    fates: RefCell<BTreeMap<String, Fate>>,
}

impl Ledger {
    /// Records `fate` for `path`; a later, more specific fate replaces `Mapped`, never a reason.
    /// An item not imported takes everything beneath it along: nothing under it is mapped.
    pub fn record(&self, path: &str, fate: Fate) {
        let mut fates = self.fates.borrow_mut();
        let dropped = |fates: &BTreeMap<String, Fate>| {
            ancestors(path).any(|ancestor| matches!(fates.get(ancestor), Some(Fate::NotMapped(_))))
        };
        match fates.get(path) {
            Some(
                Fate::NotMapped(_) | Fate::Approximated(_) | Fate::Ignored(_) | Fate::Unknown(_),
            ) if fate == Fate::Mapped => {}
            _ if dropped(&fates) => {}
            _ => {
                if matches!(fate, Fate::NotMapped(_)) {
                    fates.retain(|other, _| !beneath(other, path));
                }
                fates.insert(path.to_string(), fate);
            }
        }
    }

    /// A node for a whole document (its path prefix is empty).
    pub fn root<'a>(&'a self, value: &'a Value) -> Node<'a> {
        Node {
            value,
            path: String::new(),
            ledger: self,
        }
    }

    /// Every item: those recorded, then each field of `documents` nobody read, reported at the
    /// topmost path with nothing read beneath it. `ignored` names the fields known to have no
    /// effect on a simulation, with the reason.
    pub fn finish(
        &self,
        documents: &[Node<'_>],
        ignored: &dyn Fn(&str) -> Option<&'static str>,
    ) -> Vec<Item> {
        let mut unread = Vec::new();
        for document in documents {
            self.walk(document.value, &document.path, &mut unread);
        }
        for path in unread {
            let key = last_key(&path);
            let fate = ignored(key).map_or_else(
                || Fate::NotMapped("not read: scaleplan does not know this field".into()),
                Fate::Ignored,
            );
            self.record(&path, fate);
        }
        self.fates
            .borrow()
            .iter()
            .map(|(path, fate)| Item {
                path: path.clone(),
                fate: fate.clone(),
            })
            .collect()
    }

    /// Whether anything at or under `path` is accounted for; unread paths go to `unread`.
    fn walk(&self, value: &Value, path: &str, unread: &mut Vec<String>) -> bool {
        if self.fates.borrow().contains_key(path) || is_empty(value) {
            return true;
        }
        let mut beneath = Vec::new();
        let any = match value {
            Value::Object(map) => map.iter().fold(false, |any, (key, child)| {
                self.walk(child, &join(path, key), &mut beneath) | any
            }),
            Value::Array(list) => list.iter().enumerate().fold(false, |any, (index, child)| {
                self.walk(child, &format!("{path}[{index}]"), &mut beneath) | any
            }),
            _ => false,
        };
        if any || path.is_empty() {
            unread.extend(beneath);
        } else {
            unread.push(path.to_string());
        }
        any
    }
}

/// Whether `path` lies strictly beneath `parent`.
fn beneath(path: &str, parent: &str) -> bool {
    path.len() > parent.len()
        && path.starts_with(parent)
        && matches!(path.as_bytes()[parent.len()], b'.' | b'[')
}

/// The proper prefixes of a path that are paths themselves, nearest last.
fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|(_, character)| matches!(character, '.' | '['))
        .map(move |(at, _)| &path[..at])
}

/// Nothing to map: null, an empty string, list or object.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(list) => list.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The field name a path ends with: `Instances[0].InstanceId` -> `InstanceId`.
pub fn last_key(path: &str) -> &str {
    let tail = path.rsplit('.').next().unwrap_or(path);
    tail.split('[').next().unwrap_or(tail)
}

/// The elements of the list `key` of an optional document (none without it).
pub fn items_of<'a>(root: Option<&Node<'a>>, key: &str, singular: Option<&str>) -> Vec<Node<'a>> {
    root.map_or_else(Vec::new, |root| root.items(key, singular))
}

/// A JSON value with its path, recording what is read of it.
#[derive(Clone)]
pub struct Node<'a> {
    pub value: &'a Value,
    pub path: String,
    ledger: &'a Ledger,
}

impl<'a> Node<'a> {
    /// The member `key`, unless absent or null.
    pub fn get(&self, key: &str) -> Option<Node<'a>> {
        self.value
            .get(key)
            .filter(|value| !value.is_null())
            .map(|value| Node {
                value,
                path: join(&self.path, key),
                ledger: self.ledger,
            })
    }

    /// The member `key` as text, not recorded: to decide whether the item maps.
    pub fn peek(&self, key: &str) -> Option<&'a str> {
        self.value.get(key).and_then(Value::as_str)
    }

    /// The member `key` as text, recorded as mapped.
    pub fn text(&self, key: &str) -> Option<&'a str> {
        let node = self.get(key)?;
        let text = node.value.as_str()?;
        node.mapped();
        Some(text)
    }

    /// The member `key` as a number (a numeric string too: AWS writes `WeightedCapacity` as
    /// text), recorded as mapped.
    pub fn number(&self, key: &str) -> Option<f64> {
        let node = self.get(key)?;
        let number = node.value.as_f64().or_else(|| {
            node.value
                .as_str()
                .and_then(|text| text.trim().parse().ok())
        })?;
        node.mapped();
        Some(number)
    }

    /// The member `key` as seconds, recorded as mapped: a negative value is a value scaleplan
    /// does not know (refused unless the import is lenient, which assumes 0 s).
    pub fn seconds(&self, key: &str) -> Option<f64> {
        let seconds = self.number(key)?;
        if seconds < 0.0 {
            let node = self.get(key)?;
            node.ledger.record(
                &node.path,
                Fate::Unknown(format!(
                    "negative duration `{seconds}`: seconds are 0 or more; assumed 0 s"
                )),
            );
            return Some(0.0);
        }
        Some(seconds)
    }

    /// The member `key` as a boolean, recorded as mapped.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        let node = self.get(key)?;
        let flag = node.value.as_bool()?;
        node.mapped();
        Some(flag)
    }

    /// The elements of the list `key`. Alibaba's 2014-08-28 API wraps a list in an object
    /// under a singular key (`ScalingGroups.ScalingGroup[]`); `singular` names it, and both
    /// forms are accepted.
    pub fn items(&self, key: &str, singular: Option<&str>) -> Vec<Node<'a>> {
        let Some(node) = self.get(key) else {
            return Vec::new();
        };
        let node = match (singular, node.value) {
            (Some(inner), Value::Object(_)) => match node.get(inner) {
                Some(list) => list,
                None => return Vec::new(),
            },
            _ => node,
        };
        node.elements()
    }

    /// The elements of this node when it is a list.
    pub fn elements(&self) -> Vec<Node<'a>> {
        self.value
            .as_array()
            .map(|list| {
                list.iter()
                    .enumerate()
                    .map(|(index, value)| Node {
                        value,
                        path: format!("{}[{index}]", self.path),
                        ledger: self.ledger,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether the member `key` holds something (not absent, null, false, empty or zero).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some_and(|node| {
            !is_empty(node.value)
                && node.value.as_bool() != Some(false)
                && node.value.as_f64() != Some(0.0)
        })
    }

    /// Records this node as mapped.
    pub fn mapped(&self) {
        self.ledger.record(&self.path, Fate::Mapped);
    }

    /// Records this node as approximated, with the reason.
    pub fn approximated(&self, why: impl Into<String>) {
        self.ledger
            .record(&self.path, Fate::Approximated(why.into()));
    }

    /// Records this node as having no effect on a simulation, of this kind.
    pub fn ignored(&self, kind: &'static str) {
        self.ledger.record(&self.path, Fate::Ignored(kind));
    }

    /// Records the member `key`, when present, as having no effect on a simulation.
    pub fn ignore(&self, key: &str, kind: &'static str) {
        if let Some(node) = self.get(key) {
            node.ignored(kind);
        }
    }

    /// Records this node as not mapped, with the reason.
    /// Records that the field holds `value`, which the cloud does not document among `known`:
    /// `assumed` says what the lenient import writes in its place.
    pub fn unknown(&self, value: &str, known: &[&str], assumed: &str) {
        self.ledger.record(
            &self.path,
            Fate::Unknown(format!(
                "unknown value `{value}` (known: {}); {assumed}",
                known.join(", ")
            )),
        );
    }

    pub fn not_mapped(&self, why: impl Into<String>) {
        self.ledger.record(&self.path, Fate::NotMapped(why.into()));
    }

    /// Records the member `key`, when it holds something (not empty, false or zero), as not
    /// mapped with the reason; otherwise as mapped (it asks for nothing the model lacks).
    pub fn skip(&self, key: &str, why: &str) {
        if self.has(key) {
            self.get(key).unwrap().not_mapped(why);
        } else {
            self.read(key);
        }
    }

    /// Records the member `key` as read and consistent with the model (nothing to write).
    pub fn read(&self, key: &str) {
        if let Some(node) = self.get(key) {
            node.mapped();
        }
    }
}
