//! Located diagnostics and their three renderings: text for people, JSON for tools, and
//! GitHub Actions annotations for pull requests. Rendering writes to any `io::Write`; the
//! caller decides where it goes.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::text::visible;

/// How bad a diagnostic is. Warnings fail validation only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One finding in the configuration, at a 1-based line and column (in chars) of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The fix, when there is one to suggest.
    pub help: Option<String>,
    /// The offending source line (secrets already masked), shown under the message.
    #[serde(skip)]
    pub snippet: Option<String>,
    /// How many columns the caret under the snippet covers (0: the word at the column).
    #[serde(skip)]
    pub width: usize,
    /// Never show the source line (it may hold a secret pasted in the wrong place).
    #[serde(skip)]
    pub hide_snippet: bool,
}

impl Diagnostic {
    /// An error at a place, without snippet (the loader attaches it from the source text).
    pub fn error(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line,
            column,
            message: message.into(),
            help: None,
            snippet: None,
            width: 1,
            hide_snippet: false,
        }
    }

    /// A warning at a place.
    pub fn warning(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Never show the source line under this diagnostic (it may hold a secret).
    pub fn hiding_snippet(mut self) -> Self {
        self.hide_snippet = true;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Counts of errors and warnings, for the closing line and the exit code.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// `file:line:column: error: message`, the source line with a caret, then `help: ...`.
pub fn write_text(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for diagnostic in diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {}: {}",
            visible(&diagnostic.file.display().to_string()),
            diagnostic.line,
            diagnostic.column,
            diagnostic.severity.as_str(),
            visible(&diagnostic.message)
        )?;
        if let Some(snippet) = &diagnostic.snippet {
            let number = diagnostic.line.to_string();
            let gutter = " ".repeat(number.len());
            // The line as it is, but with direction overrides and control characters shown
            // as `\u{...}`, the caret moved along by what they became.
            writeln!(out, "  {number} | {}", visible(snippet))?;
            let column = diagnostic.column.saturating_sub(1);
            let width = diagnostic.width.max(1);
            let before: String = snippet.chars().take(column).collect();
            let covered: String = snippet.chars().skip(column).take(width).collect();
            let grown = visible(&covered).chars().count() - covered.chars().count();
            let pad = " ".repeat(visible(&before).chars().count());
            let caret = "^".repeat(width + grown);
            writeln!(out, "  {gutter} | {pad}{caret}")?;
        }
        if let Some(help) = &diagnostic.help {
            writeln!(out, "  help: {}", visible(help))?;
        }
    }
    Ok(())
}

/// The same diagnostics as one JSON document.
pub fn write_json(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        errors: usize,
        warnings: usize,
        diagnostics: &'a [Diagnostic],
    }
    let (errors, warnings) = counts(diagnostics);
    let report = Report {
        errors,
        warnings,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
pub fn write_github(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for diagnostic in diagnostics {
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{} file={},line={},col={}::{}",
            diagnostic.severity.as_str(),
            escape_property(&diagnostic.file.display().to_string()),
            diagnostic.line,
            diagnostic.column,
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escaping of a workflow command's message, as the Actions runner expects it.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value (`file=`), which also reserves `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Diagnostic> {
        let mut diagnostic = Diagnostic::error(Path::new("a.yaml"), 3, 5, "unknown field `nme`")
            .with_help("did you mean `name`?");
        diagnostic.snippet = Some("    nme: x".into());
        diagnostic.width = 3;
        vec![
            diagnostic,
            Diagnostic::warning(Path::new("b,c.yaml"), 1, 1, "50% done\nnext"),
        ]
    }

    #[test]
    fn a_snippet_shows_direction_overrides_escaped_and_the_caret_follows() {
        let mut diagnostic = Diagnostic::error(Path::new("a.yaml"), 2, 7, "bad");
        diagnostic.snippet = Some("  \u{202e}x: \"a\u{202e}b\"".into());
        diagnostic.width = 5;
        let mut out = Vec::new();
        write_text(&mut out, &[diagnostic]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.yaml:2:7: error: bad\n  2 |   \\u{202e}x: \"a\\u{202e}b\"\n    |              ^^^^^^^^^^^^\n"
        );
    }

    #[test]
    fn text_shows_line_caret_and_help() {
        let mut out = Vec::new();
        write_text(&mut out, &sample()[..1]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a.yaml:3:5: error: unknown field `nme`\n  3 |     nme: x\n    |     ^^^\n  help: did you mean `name`?\n"
        );
    }

    #[test]
    fn github_escapes_message_and_properties() {
        let mut out = Vec::new();
        write_github(&mut out, &sample()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=a.yaml,line=3,col=5::unknown field `nme`%0Ahelp: did you mean `name`?\n\
             ::warning file=b%2Cc.yaml,line=1,col=1::50%25 done%0Anext\n"
        );
    }
}
