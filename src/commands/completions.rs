//! `tagoform completions SHELL`: a completion script generated from the clap definitions,
//! so it can never disagree with the real arguments.

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell as Target;

use crate::cli::{Cli, CompletionsArgs, Shell};

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    write(args.shell, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the completion script for `shell`.
pub fn write(shell: Shell, out: &mut dyn Write) -> std::io::Result<()> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
    };
    let mut command = Cli::command();
    clap_complete::generate(target, &mut command, "tagoform", out);
    Ok(())
}
