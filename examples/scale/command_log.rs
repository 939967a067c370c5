//! What the command phases read from the `tagoform` binary's output: its log lines (planning
//! time, the most requests in flight, tokens left behind) and apply's summary.

/// What the binary logged: `planned N operation(s) in X ms` for each plan, the highest
/// concurrency limit, and short-lived tokens it could not remove.
#[derive(Debug, Default)]
pub struct CommandLog {
    /// Operations of the first plan.
    pub changes: usize,
    /// Seconds, all plans together.
    pub diff: f64,
    pub concurrency_peak: Option<usize>,
    pub tokens_left: usize,
}

impl CommandLog {
    pub fn read(stderr: &str) -> Self {
        let mut log = CommandLog::default();
        let mut plans = 0;
        for line in stderr.lines() {
            if let Some(rest) = line.strip_prefix("info: planned ") {
                let mut words = rest.split_whitespace();
                let operations = words.next().and_then(|n| n.parse().ok()).unwrap_or(0);
                let ms: f64 = words.nth(2).and_then(|n| n.parse().ok()).unwrap_or(0.0);
                if plans == 0 {
                    log.changes = operations;
                }
                plans += 1;
                log.diff += ms / 1000.0;
            } else if let Some(rest) = line.strip_prefix("info: requests in flight: at most ") {
                log.concurrency_peak = rest.split_whitespace().next().and_then(|n| n.parse().ok());
            } else if line.contains("could not remove a short-lived profile token") {
                log.tokens_left += 1;
            }
        }
        log
    }
}

/// Failed and skipped operations from `Apply finished: D done, F failed, S skipped.`.
pub fn failed_in(stdout: &str) -> usize {
    let Some(line) = stdout.lines().find(|l| l.starts_with("Apply finished: ")) else {
        return 0;
    };
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    numbers.get(1).copied().unwrap_or(0) + numbers.get(2).copied().unwrap_or(0)
}
