//! Bounds on what the loader accepts, so that hostile or broken input (a 50 MB file, an alias
//! bomb, thousands of nested brackets) is refused quickly and with bounded memory. The
//! largest configurations measured (5,000 customer profiles with teams, objects and shares,
//! about 1.3 million nodes; docs/performance.md) stay below every one of them.

/// Largest YAML file read (10 MiB). Checked before reading and while reading.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Largest decoder or encoder script read (1 MiB).
pub const MAX_SCRIPT_BYTES: u64 = 1024 * 1024;
/// Most YAML files read under one folder: room for one file per profile at 5,000 profiles
/// and more (the bound on nodes caps what they may hold together).
pub const MAX_FILES: usize = 10_000;
/// Deepest nesting of mappings and sequences.
pub const MAX_DEPTH: usize = 32;
/// Most YAML nodes written in the whole configuration (all files): an integrator's 500
/// customers with 20 members, 15 objects and 20 shares each are about 130,000.
pub const MAX_NODES: usize = 2_000_000;
/// Most YAML nodes in the whole configuration once aliases are expanded ("billion laughs"):
/// the bound on written nodes and 200,000 more, so that aliases take memory no further than
/// a configuration written out in full may.
pub const MAX_EXPANDED_NODES: usize = MAX_NODES + 200_000;
