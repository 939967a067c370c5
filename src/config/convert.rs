//! Wire → model: the top level of each file, the merge of files, and each entry's conversion
//! into the model with its origins. Checks that need only one entry live here (ids, emails,
//! expiry syntax, scripts); checks across entries live in `rules`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;

use super::deserialize::{deserialize, to_yaml, Translation};
use super::diagnostic::Diagnostic;
use super::locate::{self, closest, error_at, origin, text};
use super::model::{Desired, ExternalProfile, Origin, Recipient, ShareTarget, TagoId};
use super::snippet::Sources;
use super::wire::VERSION;
use super::yaml::{self, Document, Entry, Node, Value};
use super::{entries, rules};

/// The sections of a file and what one entry of each is called in messages.
pub const SECTIONS: [(&str, &str); 4] = [
    ("external_profiles", "external profile"),
    ("profiles", "profile"),
    ("networks", "network"),
    ("connectors", "connector"),
];

/// Accumulates files into one model.
#[derive(Debug)]
pub struct Merger {
    /// The day token expiry dates are checked against.
    today: NaiveDate,
    /// YAML nodes left for the remaining files.
    budget: yaml::Budget,
    desired: Desired,
    /// Entries that failed to convert, as (section, key): references to them are not reported
    /// again as undefined.
    broken: BTreeSet<(String, String)>,
    diagnostics: Vec<Diagnostic>,
    /// Where each (section, key) was first defined, to report a second definition.
    defined: BTreeMap<(String, String), Origin>,
    /// The text of every file, to show the lines diagnostics point at.
    sources: Sources,
}

/// What an entry converter needs to know about where it is.
pub struct Context<'a> {
    pub file: &'a Path,
    /// The configuration folder: scripts must stay inside it.
    pub root: &'a Path,
    pub key: &'a str,
    pub key_node: &'a Node,
    pub node: &'a Node,
    pub today: NaiveDate,
    /// Maps paths of the deserialized entry back to the tree (see `deserialize`).
    pub translation: Translation,
}

impl<'a> Context<'a> {
    /// The same place, with the translation of a deserialization that removed faulty parts.
    pub fn translated(&self, translation: Translation) -> Context<'a> {
        Context {
            translation,
            ..*self
        }
    }
}

impl Merger {
    pub fn new(today: NaiveDate) -> Self {
        Merger {
            today,
            budget: yaml::Budget::default(),
            desired: Desired::default(),
            broken: BTreeSet::new(),
            diagnostics: Vec::new(),
            defined: BTreeMap::new(),
            sources: BTreeMap::new(),
        }
    }

    pub fn extend(&mut self, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
    }

    /// Parses and adds one file; its text is kept to show the lines diagnostics point at.
    pub fn add_text(&mut self, file: &Path, text: String, root: &Path) {
        // Only a file that is a YAML mapping may show its lines under a diagnostic: text that
        // is not (a linked `/proc/self/environ`, a key file) is located, never quoted.
        match yaml::parse(file, &text, &mut self.budget) {
            Ok(document) => {
                if matches!(document.root.value, Value::Mapping(_)) {
                    self.sources.insert(file.to_path_buf(), text);
                }
                self.add_file(document, root);
            }
            Err(diagnostic) => self.diagnostics.push(*diagnostic),
        }
    }

    /// Adds one parsed file.
    fn add_file(&mut self, document: Document, root: &Path) {
        let file = document.file.clone();
        self.diagnostics.extend(document.problems);
        let top = &document.root;
        let Value::Mapping(top_entries) = &top.value else {
            self.diagnostics.push(
                error_at(&file, top, "expected a mapping at the top of the file")
                    .with_help("start the file with `version: 1`"),
            );
            return;
        };
        self.check_version(&file, top);
        for entry in top_entries {
            let name = entry.key_text();
            if name == "version" {
                continue;
            }
            match SECTIONS.iter().find(|(section, _)| *section == name) {
                Some((section, what)) => self.add_section(&file, root, entry, section, what),
                None => {
                    let known = ["version"]
                        .into_iter()
                        .chain(SECTIONS.iter().map(|(s, _)| *s));
                    let help = match closest(name, known) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "known fields: version, external_profiles, profiles, networks, connectors"
                            .to_owned(),
                    };
                    self.diagnostics.push(
                        error_at(
                            &file,
                            &entry.key,
                            format!("unknown field `{name}` at the top of the file"),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }

    fn check_version(&mut self, file: &Path, top: &Node) {
        let Some(version) = locate::value(top, "version") else {
            let diagnostic = Diagnostic::error(file, 1, 1, "missing field `version`")
                .with_help("start the file with `version: 1`");
            self.diagnostics.push(diagnostic);
            return;
        };
        if to_yaml(version).as_u64() != Some(VERSION) {
            self.diagnostics.push(
                error_at(
                    file,
                    version,
                    format!(
                        "version `{}` is not known: this tagoform reads version {VERSION}",
                        text(version)
                    ),
                )
                .with_help(format!("write `version: {VERSION}`")),
            );
        }
    }

    fn add_section(&mut self, file: &Path, root: &Path, section: &Entry, name: &str, what: &str) {
        let entries = match &section.value.value {
            Value::Mapping(entries) => entries,
            Value::Scalar { text, plain: true }
                if text.is_empty() || text == "~" || text == "null" =>
            {
                return;
            }
            _ => {
                self.diagnostics.push(error_at(
                    file,
                    &section.value,
                    format!("`{name}` must be a mapping from keys to {what}s"),
                ));
                return;
            }
        };
        for entry in entries {
            let key = entry.key_text().to_owned();
            let id = (name.to_owned(), key.clone());
            let here = origin(file, &entry.key);
            if let Some(first) = self.defined.get(&id) {
                self.diagnostics.push(
                    error_at(
                        file,
                        &entry.key,
                        format!("{what} `{key}` is defined twice: first at {first}"),
                    )
                    .with_help("keep one of the two definitions"),
                );
                continue;
            }
            self.defined.insert(id.clone(), here);
            let context = Context {
                file,
                root,
                key: &key,
                key_node: &entry.key,
                node: &entry.value,
                today: self.today,
                translation: Translation::default(),
            };
            let before = self.diagnostics.len();
            let desired = &mut self.desired;
            let diagnostics = &mut self.diagnostics;
            let converted = match name {
                "external_profiles" => external(&context, diagnostics).map(|e| {
                    desired.external_profiles.insert(key.clone(), e);
                }),
                "profiles" => entries::profile(&context, diagnostics).map(|p| {
                    desired.profiles.insert(key.clone(), p);
                }),
                "networks" => entries::network(&context, diagnostics).map(|n| {
                    desired.networks.insert(key.clone(), n);
                }),
                _ => entries::connector(&context, diagnostics).map(|c| {
                    desired.connectors.insert(key.clone(), c);
                }),
            }
            .is_some();
            if !converted || self.diagnostics.len() > before {
                self.broken.insert(id);
            }
        }
    }

    /// The merged model (possibly partial), the broken entries, every diagnostic so far and
    /// the sources. Share recipients are resolved here, once every file is known.
    pub fn finish(mut self) -> Merged {
        let externals = &self.desired.external_profiles;
        let resolve = |targets: Option<&mut Vec<ShareTarget>>| {
            for target in targets.into_iter().flatten() {
                if let Some(external) = externals.get(&target.key) {
                    target.recipient = Recipient::External(external.id.clone());
                }
            }
        };
        for network in self.desired.networks.values_mut() {
            resolve(network.shared_with.as_mut());
        }
        for connector in self.desired.connectors.values_mut() {
            resolve(connector.shared_with.as_mut());
        }
        Merged {
            desired: self.desired,
            broken: self.broken,
            diagnostics: self.diagnostics,
            sources: self.sources,
        }
    }
}

/// An entry of `external_profiles`: a key and a profile id.
fn external(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<ExternalProfile> {
    let what = format!("external profile `{}`", context.key);
    let (id, _): (String, _) = deserialize(
        context.file,
        context.key_node,
        context.node,
        &what,
        diagnostics,
    )?;
    let Some(id) = TagoId::parse(&id) else {
        let what = format!("the id of external profile `{}`", context.key);
        diagnostics.push(rules::bad_id(context.file, context.node, &what));
        return None;
    };
    Some(ExternalProfile {
        key: context.key.to_owned(),
        id,
        origin: origin(context.file, context.key_node),
    })
}

/// The result of merging every file.
pub struct Merged {
    pub desired: Desired,
    pub broken: BTreeSet<(String, String)>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
}
