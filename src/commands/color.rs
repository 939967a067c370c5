//! Whether a stream gets colour, decided in one place: `--color always|never` wins; `auto`
//! asks anstream, which reads `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR` and `TERM=dumb` as
//! well as whether the stream is a terminal.

use crate::cli::ColorChoice;

/// Colour on stdout (the plan).
pub fn stdout(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => colours(anstream::AutoStream::choice(&std::io::stdout())),
    }
}

/// Colour on stderr (log lines).
pub fn stderr() -> bool {
    colours(anstream::AutoStream::choice(&std::io::stderr()))
}

fn colours(choice: anstream::ColorChoice) -> bool {
    !matches!(choice, anstream::ColorChoice::Never)
}
