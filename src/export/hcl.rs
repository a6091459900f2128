//! A small HCL writer: the blocks, attributes and expressions Terraform configurations use,
//! laid out as `terraform fmt` does (two-space indents, `=` aligned within a run of
//! attributes).

use std::fmt::Write as _;

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A quoted string.
    Text(String),
    /// A number, written exactly.
    Number(f64),
    /// `true` / `false`.
    Bool(bool),
    /// A reference written as is: `var.subnet_ids`, `aws_autoscaling_policy.out.arn`.
    Reference(String),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `{ key = value }`.
    Object(Vec<(String, Expr)>),
}

impl Expr {
    pub fn text(value: impl Into<String>) -> Self {
        Expr::Text(value.into())
    }

    pub fn number(value: impl Into<f64>) -> Self {
        Expr::Number(value.into())
    }

    fn write(&self, out: &mut String) {
        match self {
            Expr::Text(text) => {
                out.push('"');
                let mut characters = text.chars().peekable();
                while let Some(character) = characters.next() {
                    match character {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        // `${` and `%{` open templates: a doubled sigil writes them literally.
                        '$' | '%' if characters.peek() == Some(&'{') => {
                            out.push(character);
                            out.push(character);
                        }
                        other => out.push(other),
                    }
                }
                out.push('"');
            }
            Expr::Number(value) => out.push_str(&crate::number::exact(*value)),
            Expr::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
            Expr::Reference(path) => out.push_str(path),
            Expr::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Expr::Object(members) => {
                out.push_str("{ ");
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{key} = ");
                    value.write(out);
                }
                out.push_str(" }");
            }
        }
    }
}

/// One item of a body.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Attribute(String, Expr),
    Block(Block),
    Comment(String),
}

/// A block: `resource "aws_autoscaling_group" "web" { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Vec<Item>,
}

impl Block {
    pub fn new(kind: &str, labels: &[&str]) -> Self {
        Block {
            kind: kind.to_string(),
            labels: labels.iter().map(|label| label.to_string()).collect(),
            body: Vec::new(),
        }
    }

    /// Adds `key = value`.
    pub fn set(&mut self, key: &str, value: Expr) -> &mut Self {
        self.body.push(Item::Attribute(key.to_string(), value));
        self
    }

    /// Adds a nested block.
    pub fn block(&mut self, block: Block) -> &mut Self {
        self.body.push(Item::Block(block));
        self
    }

    /// Adds a `# comment` line.
    pub fn comment(&mut self, text: impl Into<String>) -> &mut Self {
        self.body.push(Item::Comment(text.into()));
        self
    }

    pub fn write(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        let _ = write!(out, "{indent}{}", self.kind);
        for label in &self.labels {
            let _ = write!(out, " \"{label}\"");
        }
        out.push_str(" {\n");
        let inner = "  ".repeat(depth + 1);
        let mut index = 0;
        while index < self.body.len() {
            match &self.body[index] {
                Item::Attribute(..) => {
                    // A run of attributes aligns its `=`.
                    let run: Vec<&Item> = self.body[index..]
                        .iter()
                        .take_while(|item| matches!(item, Item::Attribute(..)))
                        .collect();
                    let width = run
                        .iter()
                        .map(|item| match item {
                            Item::Attribute(key, _) => key.len(),
                            _ => 0,
                        })
                        .max()
                        .unwrap_or(0);
                    for item in &run {
                        if let Item::Attribute(key, value) = item {
                            let _ = write!(out, "{inner}{key:width$} = ");
                            value.write(out);
                            out.push('\n');
                        }
                    }
                    index += run.len();
                }
                Item::Block(block) => {
                    block.write(out, depth + 1);
                    index += 1;
                }
                Item::Comment(text) => {
                    let _ = writeln!(out, "{inner}# {text}");
                    index += 1;
                }
            }
        }
        let _ = writeln!(out, "{indent}}}");
    }
}

/// A name usable as a Terraform resource label: letters, digits, `_` and `-`, not starting
/// with a digit.
pub fn label(name: &str) -> String {
    let mut label: String = name
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '_' || character == '-' {
                character
            } else {
                '_'
            }
        })
        .collect();
    if !label.starts_with(|character: char| character.is_ascii_alphabetic() || character == '_') {
        label.insert(0, '_');
    }
    label
}
