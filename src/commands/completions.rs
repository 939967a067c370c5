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
    out.write_all(&script(args.shell))?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The completion script for `shell`. Generated into memory: clap_complete panics when its
/// writer fails (a closed pipe), and no panic may reach a user.
pub fn script(shell: Shell) -> Vec<u8> {
    let target = match shell {
        Shell::Bash => Target::Bash,
        Shell::Zsh => Target::Zsh,
        Shell::Fish => Target::Fish,
        Shell::Powershell => Target::PowerShell,
    };
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(target, &mut command, "tagoform", &mut script);
    script
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(shell: Shell) -> String {
        String::from_utf8(script(shell)).unwrap()
    }

    #[test]
    fn every_shell_gets_a_script_that_knows_the_subcommands_and_their_options() {
        let bash = text(Shell::Bash);
        assert!(bash.starts_with("_tagoform() {\n"), "{bash}");
        assert!(bash.contains("cmd=\"tagoform__subcmd__export\""), "{bash}");
        assert!(bash.contains("--profile"));
        let zsh = text(Shell::Zsh);
        assert!(zsh.starts_with("#compdef tagoform\n"));
        assert!(zsh.contains("'--detailed-exitcode["));
        let fish = text(Shell::Fish);
        assert!(fish.contains(
            "complete -c tagoform -n \"__fish_tagoform_needs_command\" -f -a \"export\" -d 'Write the live account (or some of its profiles) as tagoform YAML, to adopt it'\n"
        ));
        let powershell = text(Shell::Powershell);
        assert!(powershell.contains("Register-ArgumentCompleter -Native -CommandName 'tagoform'"));
        assert!(powershell.contains("'tagoform;completions'"));
    }
}
