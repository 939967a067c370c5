//! Entry point: parse arguments, run the command, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use tagoform::commands::exit;

fn main() -> ExitCode {
    let cli = match tagoform::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // A mistyped flag is an error (1), not `plan --detailed-exitcode`'s "changes" (2);
        // `--help` and `--version` succeed.
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                exit::ERROR
            } else {
                exit::SUCCESS
            });
        }
    };
    match tagoform::commands::run(cli) {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not an error of ours.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            exit::for_error(&error)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
