//! CPU time and memory of this process from Linux's `/proc` (no extra dependency).
//!
//! The emulator runs on threads named [`super::server::THREAD_NAME`]; tagoform's CPU time is
//! the process's minus theirs. It includes everything tagoform does on its side of the
//! socket: HTTP (hyper), JSON, pacing, planning, and the kernel's share of the loopback
//! traffic that is charged to its threads. Peak memory is the whole process's (the
//! emulator's state included), reset at the start of each phase. tagoform's own heap is
//! counted by [`CountingAllocator`], which leaves out the emulator's threads.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};

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

/// CPU seconds of this process's children that have ended and been waited for (cutime +
/// cstime): a child's CPU is this before and after waiting for it.
pub fn children_cpu() -> f64 {
    let text = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let Some(close) = text.rfind(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    // cutime and cstime are fields 16 and 17.
    let field = |at: usize| {
        fields
            .get(at)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (field(13) + field(14)) / TICKS_PER_SECOND
}

/// The peak resident size (VmHWM) of process `pid` in MB, while it runs; `None` once gone.
pub fn peak_rss_of(pid: u32) -> Option<f64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
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

/// Heap bytes allocated and not yet freed by tagoform's threads, and their peak. The
/// emulator's threads (and the benchmark's own copies of emulator states) are left out, so
/// that tagoform's memory can be told apart from the emulator's in one process.
static HEAP_NOW: AtomicI64 = AtomicI64::new(0);
static HEAP_PEAK: AtomicI64 = AtomicI64::new(0);

thread_local! {
    static EXCLUDED: Cell<bool> = const { Cell::new(false) };
}

/// Counts the heap of the threads not excluded; installed by the benchmark's `main`.
pub struct CountingAllocator;

fn counted() -> bool {
    EXCLUDED
        .try_with(|excluded| !excluded.get())
        .unwrap_or(false)
}

fn grow(bytes: usize) {
    let now = HEAP_NOW.fetch_add(bytes as i64, Ordering::Relaxed) + bytes as i64;
    HEAP_PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrink(bytes: usize) {
    HEAP_NOW.fetch_sub(bytes as i64, Ordering::Relaxed);
}

// SAFETY: every call goes straight to the system allocator with the caller's arguments; the
// counting around it neither allocates nor touches the memory.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc(layout);
        if !pointer.is_null() && counted() {
            grow(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc_zeroed(layout);
        if !pointer.is_null() && counted() {
            grow(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        System.dealloc(pointer, layout);
        if counted() {
            shrink(layout.size());
        }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = System.realloc(pointer, layout, new_size);
        if !moved.is_null() && counted() {
            grow(new_size);
            shrink(layout.size());
        }
        moved
    }
}

/// Leaves this thread's allocations out of tagoform's heap (the emulator's threads).
pub fn exclude_this_thread() {
    let _ = EXCLUDED.try_with(|excluded| excluded.set(true));
}

/// Runs `work` with this thread's allocations left out (copies of emulator states).
pub fn excluded<T>(work: impl FnOnce() -> T) -> T {
    let before = EXCLUDED
        .try_with(|excluded| excluded.replace(true))
        .unwrap_or(false);
    let result = work();
    let _ = EXCLUDED.try_with(|excluded| excluded.set(before));
    result
}

/// Makes the peak the current heap.
pub fn reset_heap_peak() {
    HEAP_PEAK.store(HEAP_NOW.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// (current, peak) tagoform heap in MB (zero unless [`CountingAllocator`] is installed).
pub fn heap_mb() -> (f64, f64) {
    let mb = |bytes: i64| bytes as f64 / (1024.0 * 1024.0);
    (
        mb(HEAP_NOW.load(Ordering::Relaxed)),
        mb(HEAP_PEAK.load(Ordering::Relaxed)),
    )
}

/// Turns `perf record --control fifo:PATH -D -1` on or off around the measured part, when
/// `SCALE_PERF_CONTROL` names that fifo, so that a profile holds the phases and not the
/// setup (generating, loading, the unmeasured apply).
pub fn perf_control(command: &str) {
    use std::io::Write as _;
    let Some(path) = std::env::var_os("SCALE_PERF_CONTROL") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|mut fifo| fifo.write_all(format!("{command}\n").as_bytes()));
    if let Err(error) = written {
        tracing::warn!(%error, "cannot reach perf's control fifo");
    }
}
