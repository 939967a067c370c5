//! CPU time and memory of this process from Linux's `/proc` (no extra dependency).
//!
//! The emulator runs on threads named [`super::server::THREAD_NAME`]; tagoform's CPU time is
//! the process's minus theirs. It includes everything tagoform does on its side of the
//! socket: HTTP (hyper), JSON, pacing, planning, and the kernel's share of the loopback
//! traffic that is charged to its threads. Peak memory is the whole process's (the
//! emulator's state included), reset at the start of each phase.

use std::path::Path;

/// Clock ticks per second of `/proc/*/stat` (USER_HZ, 100 on every Linux build that matters).
const TICKS_PER_SECOND: f64 = 100.0;

/// utime + stime in seconds from a `stat` file.
fn stat_seconds(path: &Path) -> Option<(String, f64)> {
    let text = std::fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_owned();
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    // After the name: state is field 3; utime and stime are fields 14 and 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((name, (utime + stime) / TICKS_PER_SECOND))
}

/// CPU seconds: (the whole process, the threads named `name`).
pub fn cpu(name: &str) -> (f64, f64) {
    let process = stat_seconds(Path::new("/proc/self/stat")).map_or(0.0, |(_, s)| s);
    let mut named = 0.0;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            if let Some((comm, seconds)) = stat_seconds(&task.path().join("stat")) {
                if comm == name {
                    named += seconds;
                }
            }
        }
    }
    (process, named)
}

/// Resets the peak resident size (VmHWM) to the current size.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// (current, peak) resident size in MB.
pub fn memory_mb() -> (f64, f64) {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |key: &str| {
        text.lines()
            .find(|line| line.starts_with(key))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
