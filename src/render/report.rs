//! What `apply` prints as it goes and when it ends: one line per operation as it settles, and
//! the closing count with what to do next. Worded here, like the plan, so that the command
//! only decides where the words go.

use std::io::{self, Write};

use super::describe::describe;
use crate::apply::{Report, Status};
use crate::plan::{Operation, Plan};

/// The line for an operation that settled, from its description (`describe`, which the
/// caller also shows in the progress bar), and whether it is a failure (shown on stderr even
/// with `-q`). A skipped operation names the one it needed: operation numbers appear nowhere
/// in the printed plan.
pub fn outcome_line(
    plan: &Plan,
    operation: &Operation,
    line: &str,
    status: &Status,
) -> (String, bool) {
    match status {
        Status::Done => (format!("  done: {line}"), false),
        Status::Failed(error) => (format!("  FAILED: {line}: {error}"), true),
        Status::Skipped { because_of } => {
            let text = match plan.operations.get(*because_of) {
                Some(blocker) if blocker.index != operation.index => format!(
                    "  skipped: {line} (it needs: {}, which did not succeed)",
                    describe(blocker)
                ),
                _ => format!("  skipped: {line}"),
            };
            (text, true)
        }
    }
}

/// The closing lines: the counts, and whether running again may finish the job.
pub fn summary(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (done, failed, skipped) = report.counts();
    writeln!(
        out,
        "Apply finished: {done} done, {failed} failed, {skipped} skipped."
    )?;
    if failed + skipped == 0 {
        return Ok(());
    }
    if report.only_transient_failures() {
        writeln!(
            out,
            "Run `tagoform apply` again to finish: what failed may pass on its own (no \
             answer, rate limits, TagoIO errors), and operations are safe to repeat."
        )
    } else {
        writeln!(
            out,
            "What failed would fail the same way again: change what its message names (the \
             configuration, the account, a token, a limit), then run `tagoform apply` again."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::{Failure, Outcome};

    fn report(statuses: Vec<Status>) -> Report {
        Report {
            outcomes: statuses
                .into_iter()
                .enumerate()
                .map(|(index, status)| Outcome { index, status })
                .collect(),
            created_tokens: Vec::new(),
        }
    }

    fn text(report: &Report) -> String {
        let mut out = Vec::new();
        summary(report, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_closing_lines_say_whether_a_rerun_may_finish() {
        assert_eq!(
            text(&report(vec![Status::Done, Status::Done])),
            "Apply finished: 2 done, 0 failed, 0 skipped.\n"
        );
        let failed = |transient| {
            report(vec![
                Status::Done,
                Status::Failed(Failure {
                    message: "no answer".into(),
                    transient,
                }),
                Status::Skipped { because_of: 1 },
            ])
        };
        assert!(text(&failed(true)).ends_with(
            "Apply finished: 1 done, 1 failed, 1 skipped.\nRun `tagoform apply` again to finish: what failed may pass on its own (no answer, rate limits, TagoIO errors), and operations are safe to repeat.\n"
        ));
        assert!(text(&failed(false)).contains("What failed would fail the same way again"));
    }
}
