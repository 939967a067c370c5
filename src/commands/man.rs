//! `tagoform man`: the man page (roff), generated from the clap definitions. The page of
//! the whole program comes first, then one page per subcommand with its own options.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;

pub fn run() -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(&page()?)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `tagoform(1)`, followed by the pages of the subcommands (`tagoform-plan(1)`, ...).
pub fn page() -> std::io::Result<Vec<u8>> {
    let command = Cli::command();
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut out)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("tagoform-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(name)
            .version(env!("CARGO_PKG_VERSION"));
        clap_mangen::Man::new(page).render(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_the_program_and_every_subcommand() {
        let page = String::from_utf8(page().unwrap()).unwrap();
        let titles: Vec<&str> = page.lines().filter(|l| l.starts_with(".TH ")).collect();
        let version = env!("CARGO_PKG_VERSION");
        let expected: Vec<String> = [
            "tagoform",
            "tagoform-validate",
            "tagoform-schema",
            "tagoform-plan",
            "tagoform-apply",
            "tagoform-export",
            "tagoform-completions",
            "tagoform-man",
            "tagoform-unlock",
            "tagoform-doctor",
            "tagoform-otp",
            "tagoform-emulator",
        ]
        .iter()
        .map(|name| {
            let shown = name.strip_prefix("tagoform-").unwrap_or(name);
            format!(".TH {name} 1  \"{shown} {version}\" ")
        })
        .collect();
        assert_eq!(titles, expected);
        assert!(page.contains(
            "tagoform\\-export \\- Write the live account (or some of its profiles) as tagoform YAML, to adopt it\n"
        ));
    }
}
