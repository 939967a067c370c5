//! Finding the YAML files of a configuration and reading them as bounded UTF-8 text.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::diagnostic::Diagnostic;
use super::limits::{MAX_FILES, MAX_FILE_BYTES};
use super::LoadError;

/// The files of one configuration.
#[derive(Debug)]
pub struct Sources {
    /// The folder that contains the configuration; scripts must stay inside it.
    pub root: PathBuf,
    /// The YAML files, in sorted path order, as they are shown in diagnostics.
    pub files: Vec<PathBuf>,
}

/// One file, or every `*.yaml`/`*.yml` below a folder, sorted by path so that merging is
/// deterministic. Symlinked folders are not followed, and [`SKIPPED_FOLDERS`] and hidden
/// entries are never read: run at a repository's root, a configuration is not mixed with CI
/// files, dependencies or build output. Whether each file
/// may be read is decided by [`read_file`], which confines it to [`Sources::root`].
pub fn find_files(path: &Path) -> Result<Sources, LoadError> {
    let metadata = fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound(path.to_path_buf()),
        _ => LoadError::Io {
            path: path.to_path_buf(),
            source,
        },
    })?;
    if !metadata.is_dir() {
        let root = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        return Ok(Sources {
            root,
            files: vec![path.to_path_buf()],
        });
    }
    let mut files = Vec::new();
    walk(path, path, &mut files)?;
    if files.is_empty() {
        return Err(LoadError::NoFiles(path.to_path_buf()));
    }
    files.sort();
    Ok(Sources {
        root: path.to_path_buf(),
        files,
    })
}

/// Folders the walk never enters besides hidden ones (`.github`, `.gitlab-ci.yml`, `.tagoform`):
/// a package manager's and cargo's output, full of YAML that is not tagoform's.
pub const SKIPPED_FOLDERS: [&str; 2] = ["node_modules", "target"];

fn walk(root: &Path, folder: &Path, files: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io_error = |source| LoadError::Io {
        path: folder.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(folder).map_err(io_error)? {
        let entry = entry.map_err(io_error)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(io_error)?;
        let entry_path = display_path(root, &entry.path());
        if kind.is_dir() {
            if !SKIPPED_FOLDERS.contains(&name.as_ref()) {
                walk(root, &entry.path(), files)?;
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            if files.len() >= MAX_FILES {
                return Err(LoadError::TooManyFiles {
                    path: root.to_path_buf(),
                    limit: MAX_FILES,
                });
            }
            files.push(entry_path);
        }
    }
    Ok(())
}

/// `./a.yaml` is shown as `a.yaml`: paths read the way the user would type them.
fn display_path(root: &Path, path: &Path) -> PathBuf {
    if root == Path::new(".") {
        if let Ok(relative) = path.strip_prefix(".") {
            return relative.to_path_buf();
        }
    }
    path.to_path_buf()
}

/// Reads a YAML file of the configuration at `root` as UTF-8 text, refusing, without
/// reading it, anything but a regular file of at most [`MAX_FILE_BYTES`] inside `root`: a
/// pull request that adds `zz.yaml -> /proc/self/environ` must not get it printed in CI.
/// A leading byte-order mark is dropped.
pub fn read_file(path: &Path, root: &Path) -> Result<String, Box<Diagnostic>> {
    let refuse = |message: String| Box::new(Diagnostic::error(path, 1, 1, message));
    let unreadable = |e: std::io::Error| refuse(format!("cannot read the file: {e}"));
    let link = fs::symlink_metadata(path).map_err(unreadable)?;
    let resolved = fs::canonicalize(path).map_err(|e| {
        if !link.file_type().is_symlink() {
            return unreadable(e);
        }
        Box::new(
            Diagnostic::error(path, 1, 1, "the file is a broken link")
                .with_help("replace the link with the file itself"),
        )
    })?;
    let confined = fs::canonicalize(root).is_ok_and(|root| resolved.starts_with(root));
    if !confined {
        let how = if link.file_type().is_symlink() {
            "links to"
        } else {
            "is"
        };
        return Err(Box::new(
            Diagnostic::error(
                path,
                1,
                1,
                format!(
                    "the file {how} a file outside the configuration folder `{}`",
                    crate::text::visible(&root.display().to_string())
                ),
            )
            .with_help("keep configuration files inside the configuration folder"),
        ));
    }
    // Checked before opening: opening a FIFO would block, and a device never ends.
    let kind = fs::metadata(&resolved).map_err(unreadable)?;
    if !kind.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    let file = fs::File::open(&resolved).map_err(unreadable)?;
    let metadata = file
        .metadata()
        .map_err(|e| refuse(format!("cannot read the file: {e}")))?;
    if !metadata.is_file() {
        return Err(refuse("not a regular file".into()));
    }
    let too_big = || {
        Box::new(
            Diagnostic::error(
                path,
                1,
                1,
                format!(
                    "the file is larger than {} MiB, the limit for a configuration file",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            )
            .with_help("split the configuration into several files in one folder"),
        )
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big());
    }
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .map(<[u8]>::to_vec)
        .unwrap_or(bytes);
    String::from_utf8(bytes)
        .map_err(|error| Box::new(not_utf8(path, error.as_bytes(), error.utf8_error())))
}

/// Locates the first byte that is not UTF-8, so the user can find it.
pub fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let valid = &bytes[..error.valid_up_to()];
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count()
        + 1;
    Diagnostic::error(path, line, column, "the file is not UTF-8 text")
        .with_help("save the file as UTF-8")
}
