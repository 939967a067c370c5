//! Reading a file someone else may have chosen (a saved plan, a token file, an emulator seed
//! or state): only a regular file, and never more than a stated size. `/dev/zero` would be read
//! until the kernel stops the process, and a FIFO without a writer would hang it.

use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum BoundedReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is not a regular file (a device, a FIFO, a socket or a folder): refused without reading")]
    NotRegular,
    #[error("it is larger than the {limit}-byte limit for {what}: refused without reading")]
    TooLarge { limit: u64, what: &'static str },
}

/// The bytes of `path` if it is a regular file (links followed) of at most `limit` bytes.
/// The size is checked before reading, and again while reading (a file that grows).
pub fn read(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, BoundedReadError> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(BoundedReadError::NotRegular);
    }
    if metadata.len() > limit {
        return Err(BoundedReadError::TooLarge { limit, what });
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(BoundedReadError::TooLarge { limit, what });
    }
    Ok(bytes)
}

/// A saved plan (`apply --plan`): the configuration and the operations, as JSON.
pub const SAVED_PLAN_LIMIT: u64 = 256 * 1024 * 1024;
/// A token file (`--token-file`): one line.
pub const TOKEN_FILE_LIMIT: u64 = 4096;
/// An emulator seed (`--seed`): accounts, profiles and tokens as YAML.
pub const SEED_LIMIT: u64 = 16 * 1024 * 1024;
/// An emulator state (`--state`): the whole emulated account, which grows with it (a few
/// hundred MB at 5,000 profiles).
pub const STATE_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("f");
        std::fs::write(&file, b"12345").unwrap();
        assert_eq!(read(&file, 5, "a test").unwrap(), b"12345");
        assert!(matches!(
            read(&file, 4, "a test"),
            Err(BoundedReadError::TooLarge { limit: 4, .. })
        ));
        assert!(matches!(
            read(folder.path(), 5, "a test"),
            Err(BoundedReadError::NotRegular)
        ));
        assert!(matches!(
            read(Path::new("/dev/zero"), 5, "a test"),
            Err(BoundedReadError::NotRegular)
        ));
    }
}
