//! Bounds on what the loader accepts, so that hostile or broken input (a 50 MB file, an alias
//! bomb, thousands of nested brackets) is refused quickly and with bounded memory. Real
//! configurations are far below every one of them.

/// Largest YAML file read (10 MiB). Checked before reading and while reading.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Largest decoder or encoder script read (1 MiB).
pub const MAX_SCRIPT_BYTES: u64 = 1024 * 1024;
/// Most YAML files read under one folder.
pub const MAX_FILES: usize = 1000;
/// Deepest nesting of mappings and sequences.
pub const MAX_DEPTH: usize = 32;
/// Most YAML nodes written in the whole configuration (all files).
pub const MAX_NODES: usize = 100_000;
/// Most YAML nodes in the whole configuration once aliases are expanded ("billion laughs").
pub const MAX_EXPANDED_NODES: usize = 200_000;
