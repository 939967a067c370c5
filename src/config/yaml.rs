//! One YAML file → a located tree: every key and value with its exact line and column.
//!
//! A serde YAML deserializer locates only its own first error, but every diagnostic and every plan line must
//! point at the YAML that caused it, so the text is parsed once with a marked-event parser
//! (saphyr-parser) into this tree; the serde value that the wire structs are deserialized from
//! is built from the same tree (see `convert`), so locations and values cannot disagree.
//!
//! Hostile input is refused while streaming events, before anything large is built: nesting
//! deeper than [`MAX_DEPTH`], more than [`MAX_NODES`] nodes, aliases expanding past
//! [`MAX_EXPANDED_NODES`], tags, several documents. Duplicate keys, merge keys and keys that
//! look like credentials are reported and dropped, so the rest of the file is still checked.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::diagnostic::Diagnostic;
use super::limits::{MAX_DEPTH, MAX_EXPANDED_NODES, MAX_NODES};
use crate::text::{is_bidi_control, is_invisible, visible};

/// A YAML node and where it starts.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in chars.
    pub column: usize,
    /// Columns a caret under this node covers: the length of a one-line scalar, else 1.
    pub width: usize,
    /// Nodes in this subtree, itself included (the cost of an alias to it).
    size: usize,
}

#[derive(Debug, Clone)]
pub enum Value {
    /// A scalar and whether it was written plain (only plain scalars can be numbers, booleans
    /// or null).
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    Mapping(Vec<Entry>),
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

impl Entry {
    /// The key's text (keys are always scalars in this tree).
    pub fn key_text(&self) -> &str {
        match &self.key.value {
            Value::Scalar { text, .. } => text,
            _ => "",
        }
    }
}

/// Nodes built so far across every file of a configuration: the limits hold for the whole
/// configuration, not per file, so a thousand files cannot multiply them.
#[derive(Debug, Default)]
pub struct Budget {
    nodes: usize,
    expanded: usize,
}

/// A parsed file.
#[derive(Debug)]
pub struct Document {
    pub file: PathBuf,
    pub root: Node,
    /// Problems found while parsing that did not stop it (duplicate keys, credentials).
    pub problems: Vec<Diagnostic>,
}

/// Keys refused anywhere: credentials come from the environment, never from the YAML.
pub fn is_credential_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "token" | "password" | "secret" | "api_key" | "pin"
    ) || key.ends_with("_token")
        || key.ends_with("_password")
        || key.ends_with("_secret")
}

enum Frame {
    Sequence {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Mapping {
        start: Span,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
        /// Keys seen so far and where: duplicate checks stay linear in hostile input.
        seen: HashMap<String, (usize, usize)>,
    },
}

struct Builder<'a> {
    file: &'a Path,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    budget: &'a mut Budget,
    root: Option<Node>,
    problems: Vec<Diagnostic>,
}

/// Parses one file. `Err` is the fatal problem (syntax, limits); non-fatal problems are in
/// [`Document::problems`].
pub fn parse(file: &Path, text: &str, budget: &mut Budget) -> Result<Document, Box<Diagnostic>> {
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget,
        root: None,
        problems: Vec::new(),
    };
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|error| {
            let mark = error.marker();
            Box::new(Diagnostic::error(
                file,
                mark.line(),
                mark.col() + 1,
                format!("YAML syntax error: {}", error.info()),
            ))
        })?;
        if let Event::DocumentStart(_) = event {
            documents += 1;
            if documents > 1 {
                return Err(builder.refuse(
                    span,
                    "a file holds one YAML document; this is a second one",
                    "split the documents into separate files",
                ));
            }
        }
        builder.event(event, span)?;
    }
    let root = builder.root.unwrap_or(Node {
        value: Value::Mapping(Vec::new()),
        line: 1,
        column: 1,
        width: 1,
        size: 1,
    });
    Ok(Document {
        file: file.to_path_buf(),
        root,
        problems: builder.problems,
    })
}

impl Builder<'_> {
    fn refuse(&self, span: Span, message: &str, help: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(self.file, span.start.line(), span.start.col() + 1, message)
                .with_help(help),
        )
    }

    /// One parser event: one arm per event kind, each with the limit it must respect (depth,
    /// aliases, nodes), kept in one match so that no event can skip a limit.
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Box<Diagnostic>> {
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.check_tag(tag.is_some(), span)?;
                self.count(1, span)?;
                let width = if span.end.line() == span.start.line() {
                    span.end.col().saturating_sub(span.start.col()).max(1)
                } else {
                    1
                };
                let node = Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    line: span.start.line(),
                    column: span.start.col() + 1,
                    width,
                    size: 1,
                };
                self.complete(node, anchor)
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_tag(tag.is_some(), span)?;
                self.open(span)?;
                self.stack.push(Frame::Sequence {
                    start: span,
                    anchor,
                    items: Vec::new(),
                });
                Ok(())
            }
            Event::MappingStart(anchor, tag) => {
                self.check_tag(tag.is_some(), span)?;
                self.open(span)?;
                self.stack.push(Frame::Mapping {
                    start: span,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    seen: HashMap::new(),
                });
                Ok(())
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Sequence {
                    start,
                    anchor,
                    items,
                }) => {
                    let size = 1 + items.iter().map(|n| n.size).sum::<usize>();
                    self.complete(collection(Value::Sequence(items), start, size), anchor)
                }
                Some(Frame::Mapping {
                    start,
                    anchor,
                    entries,
                    ..
                }) => {
                    let size = 1 + entries
                        .iter()
                        .map(|e| e.key.size + e.value.size)
                        .sum::<usize>();
                    self.complete(collection(Value::Mapping(entries), start, size), anchor)
                }
                None => Ok(()),
            },
            Event::Alias(anchor) => {
                let Some(node) = self.anchors.get(&anchor) else {
                    return Err(self.refuse(span, "unknown alias", "define the anchor first"));
                };
                let size = node.size;
                self.budget.expanded = self.budget.expanded.saturating_add(size);
                if self.budget.expanded > MAX_EXPANDED_NODES {
                    return Err(self.refuse(
                        span,
                        &format!("aliases expand to more than {MAX_EXPANDED_NODES} nodes"),
                        "write the values out instead of nesting aliases",
                    ));
                }
                let node = node.clone();
                self.complete(node, 0)
            }
            _ => Ok(()),
        }
    }

    fn check_tag(&self, tagged: bool, span: Span) -> Result<(), Box<Diagnostic>> {
        match tagged {
            true => Err(self.refuse(
                span,
                "YAML tags (`!name`) are not supported",
                "remove the tag: values are read as plain YAML",
            )),
            false => Ok(()),
        }
    }

    fn open(&mut self, span: Span) -> Result<(), Box<Diagnostic>> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.refuse(
                span,
                &format!("nesting deeper than {MAX_DEPTH} levels"),
                "a configuration never needs this depth; flatten the structure",
            ));
        }
        self.count(1, span)
    }

    fn count(&mut self, nodes: usize, span: Span) -> Result<(), Box<Diagnostic>> {
        self.budget.nodes += nodes;
        self.budget.expanded += nodes;
        if self.budget.nodes > MAX_NODES {
            return Err(self.refuse(
                span,
                &format!("more than {MAX_NODES} YAML nodes in the configuration"),
                "this is larger than the largest account tagoform is measured on (5,000 profiles); check that this is the right folder",
            ));
        }
        if self.budget.expanded > MAX_EXPANDED_NODES {
            return Err(self.refuse(
                span,
                &format!("aliases expand to more than {MAX_EXPANDED_NODES} nodes"),
                "write the values out instead of nesting aliases",
            ));
        }
        Ok(())
    }

    /// Hands a finished node to its parent (or makes it the root).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Box<Diagnostic>> {
        if anchor != 0 {
            // The copy kept for later aliases costs memory too: it counts as expansion.
            self.budget.expanded = self.budget.expanded.saturating_add(node.size);
            if self.budget.expanded > MAX_EXPANDED_NODES {
                return Err(Box::new(
                    Diagnostic::error(
                        self.file,
                        node.line,
                        node.column,
                        format!("aliases expand to more than {MAX_EXPANDED_NODES} nodes"),
                    )
                    .with_help("write the values out instead of nesting aliases"),
                ));
            }
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping {
                key: slot @ None, ..
            }) => {
                if !matches!(node.value, Value::Scalar { .. }) {
                    return Err(Box::new(Diagnostic::error(
                        self.file,
                        node.line,
                        node.column,
                        "a key must be plain text, not a list or a mapping",
                    )));
                }
                *slot = Some(node);
            }
            Some(Frame::Mapping {
                key, entries, seen, ..
            }) => {
                let Some(key) = key.take() else {
                    return Ok(());
                };
                let entry = Entry { key, value: node };
                let first = seen.get(entry.key_text()).copied();
                match check_key(self.file, first, &entry) {
                    Some(problem) => self.problems.push(problem),
                    None => {
                        seen.insert(
                            entry.key_text().to_owned(),
                            (entry.key.line, entry.key.column),
                        );
                        entries.push(entry);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A reason to drop this entry, reported as a problem: a duplicate, a merge key or a key that
/// looks like a credential (whose value `snippet` masks wherever its line is shown).
fn check_key(file: &Path, first: Option<(usize, usize)>, entry: &Entry) -> Option<Diagnostic> {
    let key = entry.key_text();
    let at = |message: String| {
        let mut d = Diagnostic::error(file, entry.key.line, entry.key.column, message);
        d.width = entry.key.width;
        d
    };
    if let Some((line, column)) = first {
        let d = at(format!(
            "`{key}` is defined twice in this mapping (first at line {line}, column {column})"
        ))
        .with_help("remove one of the two");
        return Some(d);
    }
    if key == "<<" {
        let d = at("merge keys (`<<`) are not supported".into())
            .with_help("write the fields out; anchors and aliases of whole values work");
        return Some(d);
    }
    if key
        .chars()
        .any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c))
    {
        let d = at(format!(
            "the key `{}` holds a control, text-direction or invisible character, which would \
             make it read as something else in a plan",
            visible(key)
        ))
        .with_help("write keys in plain characters: letters, digits, `-` and `_`");
        return Some(d);
    }
    if is_credential_key(key) {
        let d = at(format!(
            "`{key}` looks like a credential; credentials never go in the configuration"
        ))
        .with_help(
            "put the account token in TAGOIO_TOKEN, a profile's token in the variable its \
             `token_env` names, and the password in TAGOIO_PASSWORD",
        );
        return Some(d);
    }
    None
}

fn collection(value: Value, start: Span, size: usize) -> Node {
    Node {
        value,
        line: start.start.line(),
        column: start.start.col() + 1,
        width: 1,
        size,
    }
}
