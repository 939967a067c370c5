//! What a person sees while tagoform works: a bar during apply and a spinner during long reads
//! on a terminal; plain lines (apply) or nothing (reads) when stderr is not a terminal, as in CI.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress of an apply: one line per finished operation, and a bar on a terminal.
pub struct ApplyProgress {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl ApplyProgress {
    /// `total` operations; `quiet` keeps only failures.
    pub fn new(total: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
                bar.set_style(style);
            }
            bar
        });
        ApplyProgress { bar, quiet }
    }

    /// A finished operation; `failure` lines are shown even when quiet.
    pub fn line(&self, text: &str, failure: bool) {
        if self.quiet && !failure {
            return;
        }
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// One more operation ended.
    pub fn advance(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(message.to_owned());
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A spinner on a terminal while something slow runs; nothing elsewhere.
pub fn spinner(message: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    // A spinner and its message: the default style is a bar, which with no length reads 0/0.
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        spinner.set_style(style);
    }
    spinner.set_message(message.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    Some(spinner)
}
