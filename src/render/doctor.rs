//! The doctor's report as a table: one line per check (result, route, source), what was
//! expected and what was found below it, and a closing count.

use std::fmt::Write;

use super::visible;
use crate::doctor::{Outcome, Report};

/// The report as text. Everything that came from the API goes through [`visible`].
pub fn text(report: &Report) -> String {
    let width = report
        .rows
        .iter()
        .map(|row| row.route.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let (mut holds, mut fails, mut skipped) = (0, 0, 0);
    for row in &report.rows {
        let (word, found) = match &row.outcome {
            Outcome::Holds(found) => {
                holds += 1;
                ("ok", found)
            }
            Outcome::Fails(found) => {
                fails += 1;
                ("FAIL", found)
            }
            Outcome::Skipped(found) => {
                skipped += 1;
                ("skip", found)
            }
        };
        let _ = writeln!(
            out,
            "{word:<4}  {:<width$}  {}",
            visible(&row.route),
            row.source
        );
        let _ = writeln!(out, "      expected: {}", row.expectation);
        let _ = writeln!(out, "      found:    {}", visible(found));
    }
    let _ = writeln!(
        out,
        "\n{holds} held, {fails} failed, {skipped} skipped.{}",
        if fails > 0 {
            " tagoform would misread this API where a check failed: plan and apply stop there."
        } else {
            ""
        }
    );
    out
}
