//! `tagoform man`: the man page (roff), generated from the clap definitions. The page of
//! the whole program comes first, then one section per subcommand with its own options.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::Cli;

pub fn run() -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `tagoform(1)`, followed by the pages of the subcommands.
pub fn write(out: &mut dyn Write) -> std::io::Result<()> {
    let command = Cli::command();
    clap_mangen::Man::new(command.clone()).render(out)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("tagoform-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .bin_name(name)
            .version(env!("CARGO_PKG_VERSION"));
        clap_mangen::Man::new(page).render(out)?;
    }
    Ok(())
}
