//! Payload decoder and encoder scripts: inline text, or a file next to the YAML that names it.
//!
//! A script file must be a regular UTF-8 file of at most [`MAX_SCRIPT_BYTES`], inside the
//! configuration folder once symlinks are resolved: a configuration from a pull request must
//! not be able to read `/etc/passwd` or block on a device file into a plan.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::convert::Context;
use super::diagnostic::Diagnostic;
use super::limits::MAX_SCRIPT_BYTES;
use super::locate::{self, error_at};
use super::model::Script;

/// The script a field asks for, from `<field>` (inline) or `<field>_file`. Pushes a diagnostic
/// and returns `None` on any problem.
pub fn resolve(
    cx: &Context<'_>,
    field: &str,
    inline: Option<String>,
    file: Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Script> {
    let file_field = format!("{field}_file");
    let file_node = locate::value(cx.node, &file_field).unwrap_or(cx.node);
    match (inline, file) {
        (Some(_), Some(_)) => {
            diagnostics.push(
                error_at(
                    cx.file,
                    file_node,
                    format!("`{field}` and `{file_field}` are both set"),
                )
                .with_help(format!(
                    "keep `{field}` for an inline script or `{file_field}` for a file, not both"
                )),
            );
            None
        }
        (Some(text), None) => Some(Script { text, file: None }),
        (None, Some(relative)) => match read_script(cx, &relative) {
            Ok(script) => Some(script),
            Err((message, help)) => {
                diagnostics.push(error_at(cx.file, file_node, message).with_help(help));
                None
            }
        },
        (None, None) => None,
    }
}

type Problem = (String, String);

fn read_script(cx: &Context<'_>, relative: &str) -> Result<Script, Problem> {
    let (path, bytes) = read_confined(cx, relative, "script file", MAX_SCRIPT_BYTES)?;
    script_text(relative, path, bytes)
}

/// A file named by the YAML at `relative` (to the YAML file): a regular file inside the
/// configuration folder once links are resolved, of at most `max` bytes. `what` names it in
/// messages (`script file`, `image file`). Long because each way out of the folder (an
/// absolute path, `..`, a link, something not a regular file, too many bytes) is refused
/// with its own message, in the order they can be checked.
pub(super) fn read_confined(
    cx: &Context<'_>,
    relative: &str,
    what: &str,
    max: u64,
) -> Result<(PathBuf, Vec<u8>), Problem> {
    let folder = cx.file.parent().unwrap_or(Path::new(""));
    let path = folder.join(relative);
    let shown = path.display();
    let metadata = fs::symlink_metadata(&path).map_err(|_| {
        (
            format!("{what} `{relative}` does not exist (looked for `{shown}`)"),
            "paths are relative to the YAML file that names them".to_owned(),
        )
    })?;
    let resolved = fs::canonicalize(&path).map_err(|_| {
        (
            format!("{what} `{relative}` is a broken link (`{shown}`)"),
            format!("point the field at the {what} itself"),
        )
    })?;
    let root = fs::canonicalize(cx.root).unwrap_or_else(|_| PathBuf::from(cx.root));
    if !resolved.starts_with(&root) {
        let how = if metadata.file_type().is_symlink() {
            "links to"
        } else {
            "is"
        };
        return Err((
            format!(
                "{what} `{relative}` {how} a file outside the configuration folder `{}`",
                cx.root.display()
            ),
            "keep the files a configuration names inside its folder".to_owned(),
        ));
    }
    // Checked before opening: opening a FIFO would block.
    let is_file = fs::metadata(&resolved).is_ok_and(|m| m.is_file());
    if !is_file {
        return Err((
            format!("{what} `{relative}` is not a regular file"),
            "point the field at a regular file".to_owned(),
        ));
    }
    let file = fs::File::open(&resolved).map_err(|e| {
        (
            format!("cannot read {what} `{relative}`: {e}"),
            "check the file's permissions".to_owned(),
        )
    })?;
    let metadata = file.metadata().map_err(|e| {
        (
            format!("cannot read {what} `{relative}`: {e}"),
            "check the file's permissions".to_owned(),
        )
    })?;
    if !metadata.is_file() {
        return Err((
            format!("{what} `{relative}` is not a regular file"),
            "point the field at a regular file".to_owned(),
        ));
    }
    let too_big = || {
        (
            format!("{what} `{relative}` is larger than {} KiB", max / 1024),
            "check that this is the right file".to_owned(),
        )
    };
    if metadata.len() > max {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| {
        (
            format!("cannot read {what} `{relative}`: {e}"),
            "check the file".to_owned(),
        )
    })?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok((path, bytes))
}

fn script_text(relative: &str, path: PathBuf, bytes: Vec<u8>) -> Result<Script, Problem> {
    let text = String::from_utf8(bytes).map_err(|error| {
        let d = super::read::not_utf8(&path, error.as_bytes(), error.utf8_error());
        (
            format!(
                "script file `{relative}` is not UTF-8 text (first bad byte at line {}, column {})",
                d.line, d.column
            ),
            "save the script as UTF-8".to_owned(),
        )
    })?;
    Ok(Script {
        text,
        file: Some(path),
    })
}
