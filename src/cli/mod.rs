//! Command-line definitions (clap derive) only. Doc comments here become `--help`;
//! the work each command does lives in [`crate::commands`].

// `--help` shows a URL as written; rustdoc's `<...>` would show there too.
#![allow(rustdoc::bare_urls)]

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `--parallelism` when not given: a cap; the client adapts below it
/// ([`crate::api::DEFAULT_CONCURRENCY`]).
pub const DEFAULT_PARALLELISM: u16 = crate::api::DEFAULT_CONCURRENCY as u16;

mod connection;
mod emulator;

pub use connection::{ApiArgs, RegionArg};
pub use emulator::EmulatorArgs;

/// Manage a TagoIO account the GitOps way: profiles, teams, tokens, networks,
/// connectors and their shares, kept in YAML and reconciled with plan and apply.
#[derive(Debug, Parser)]
#[command(name = "tagoform", version, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v requests, -vv details). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a configuration repository: a starter configuration with its schema, the CI
    /// recipe, and a `.gitignore` entry for `.tagoform/`.
    ///
    /// Writes `tagoio/tagoform.yaml`, `tagoio/tagoform.schema.json` and, with `--ci github`,
    /// `.github/workflows/tagoform.yml` (with `--ci gitlab`, `.gitlab-ci.yml`). Never
    /// overwrites a file: when any of them exists, nothing is written. Prints the next steps.
    ///
    /// Example: tagoform init my-tagoio --ci github
    Init(InitArgs),
    /// Check the YAML configuration (files only, never the network).
    ///
    /// Example: tagoform validate examples/multi-customer
    Validate(ValidateArgs),
    /// Print the JSON schema of the configuration format, for editors.
    ///
    /// Example: tagoform schema > schemas/tagoform.schema.json
    Schema,
    /// Show what apply would change on TagoIO (reads the live API, changes nothing).
    ///
    /// Example: tagoform plan examples/quickstart --api local
    Plan(PlanArgs),
    /// Print a plan saved by `plan --out`, exactly as `plan` printed it, without the network.
    ///
    /// Example: tagoform show plan.json --format markdown
    Show(ShowArgs),
    /// Make TagoIO match the configuration: plan, confirm, then change only what the plan says.
    ///
    /// Example: tagoform apply examples/quickstart --api local --auto-approve
    Apply(ApplyArgs),
    /// Write the live account (or some of its profiles) as tagoform YAML, to adopt it.
    ///
    /// Reads each profile with a short-lived token: needs TAGOIO_TOKEN, TAGOIO_EMAIL and
    /// TAGOIO_PASSWORD (not with `--api local`). Token values are never exported. Networks
    /// and connectors whose name repeats within a profile are left out and listed on stderr
    /// and in the file: rename all but one on TagoIO, then export again (docs/export.md).
    ///
    /// Example: tagoform export --api local --out tagoio/ && tagoform plan tagoio/ --api local
    Export(ExportArgs),
    /// Write the contribution that lists networks and connectors in TagoIO's public catalog
    /// into a local clone of tago-io/decoders, from their `publish:` entries.
    ///
    /// On TagoIO a publication is a pull request to that repository, reviewed by TagoIO.
    /// This writes the folders, manifests, description, images, decoder and unit test, checks
    /// them against the clone's schemas, and prints the catalog id and the checks to run. A
    /// version folder already in the clone is never rewritten: a changed decoder or manifest
    /// becomes a new version. It never commits or pushes, and touches no other folder.
    ///
    /// Example: tagoform publish examples/multi-customer --decoders-repo ../decoders
    Publish(PublishArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    ///
    /// Example: tagoform completions bash > ~/.local/share/bash-completion/completions/tagoform
    Completions(CompletionsArgs),
    /// Write the man pages (roff): tagoform(1) and one per subcommand (tagoform-plan(1), ...).
    ///
    /// Example: tagoform man --out ~/.local/share/man/man1
    Man(ManArgs),
    /// Show the account's apply lock, or remove the lock of an apply that crashed.
    ///
    /// Without RUN_ID, lists the live locks. With it, removes that run's lock: only do so when
    /// that apply is no longer running. A lock also lapses on its own when its lease
    /// (`apply --lock-lease`, 15 minutes by default) ends.
    ///
    /// Example: tagoform unlock 3f9a1c2e5b7d9f01 --api https://api.tago.io
    Unlock(UnlockArgs),
    /// Check, with GET requests only, that the API answers as tagoform expects.
    ///
    /// Checks the account token, that each `token_env` token is of its profile, the lists
    /// tagoform reads (own objects with `filter[profile]`, the share list of one object, the
    /// shape of a team), the server's clock, and what a 429 looks like if one is met. Prints
    /// a table: route, expectation and its source, result. Never writes: it signs in nowhere
    /// and asks for no short-lived token.
    ///
    /// Exit status: 0 when every check holds (or was skipped), 1 otherwise.
    ///
    /// Example: tagoform doctor tagoio/ --api https://api.tago.io
    Doctor(DoctorArgs),
    /// Ask TagoIO to send a two-factor code by SMS or e-mail (TAGOIO_OTP_TYPE).
    ///
    /// For accounts with two-factor authentication by SMS or e-mail: TagoIO sends the code;
    /// then set TAGOIO_PIN to it and run the command that needed it. An authenticator app's
    /// code is not sent: read it in the app.
    ///
    /// Example: TAGOIO_OTP_TYPE=sms tagoform otp --api https://api.tago.io
    Otp(OtpArgs),
    /// Run the TagoIO-compatible emulator on loopback.
    ///
    /// Example: tagoform emulator --listen 127.0.0.1:8787 --state api.json
    Emulator(EmulatorArgs),
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// `file:line:column: error: message`, the offending line and a help line.
    Text,
    /// The same diagnostics as a JSON document.
    Json,
    /// GitHub Actions annotations (`::error file=...`).
    Github,
}

/// Arguments of `tagoform validate`.
///
/// Exit status: 0 when the configuration is valid, 1 when it is not (or, with `--strict`,
/// when it has warnings).
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// A YAML file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,
    /// Treat warnings as errors: exit 1 when there is any.
    #[arg(long)]
    pub strict: bool,
}

/// How a plan is printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// For people: grouped by profile, with field diffs.
    Text,
    /// The versioned plan document (docs/plan-format.md), for other tools.
    Json,
    /// For a pull-request comment.
    Markdown,
}

/// When to colour the text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set or TERM is dumb; CLICOLOR_FORCE forces it.
    Auto,
    Always,
    Never,
}

/// What plan and apply both take.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Only operations on these keys (profiles, networks, connectors), and what they need.
    #[arg(long = "target", value_name = "KEY")]
    pub targets: Vec<String>,
    /// The most requests in flight at once. Under it, tagoform starts with 4 and doubles per
    /// round trip while TagoIO answers as fast (then adds one), and cuts on rising latency,
    /// a 429, a 5xx or no answer.
    #[arg(long, default_value_t = DEFAULT_PARALLELISM, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub parallelism: u16,
    /// Colour in the text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Arguments of `tagoform plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// A YAML file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Also save the plan to this file, for `apply --plan`.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A local clone of tago-io/decoders: the notes on `publish:` then say whether each
    /// publication is prepared there (and at which version) when the catalog lacks it.
    #[arg(long, value_name = "PATH")]
    pub decoders_repo: Option<PathBuf>,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 0 when there is nothing to do, 2 when there are changes, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// The same configuration as on the target branch (a checkout of it): the plan is split
    /// into what this change causes and drift that was already there. One read of TagoIO.
    #[arg(long, value_name = "PATH")]
    pub baseline: Option<PathBuf>,
    /// With --format markdown: print at most N characters (a GitHub comment holds 65536),
    /// keeping the summary and counting every operation left out.
    #[arg(long, value_name = "N")]
    pub max_chars: Option<usize>,
    /// Also write the whole plan, never cut, in the same format to FILE: the build artifact
    /// next to a comment cut by --max-chars (one read of TagoIO for both).
    #[arg(long, value_name = "FILE")]
    pub artifact: Option<PathBuf>,
}

/// Arguments of `tagoform show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan saved by `tagoform plan --out FILE`.
    #[arg(value_name = "PLAN_FILE")]
    pub plan: PathBuf,
    /// How to print the plan.
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// With --format markdown: print at most N characters, as `plan --max-chars` does.
    #[arg(long, value_name = "N")]
    pub max_chars: Option<usize>,
    /// Colour in the text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// The CI platforms `tagoform init` writes a recipe for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiPlatform {
    /// GitHub Actions: `.github/workflows/tagoform.yml`.
    Github,
    /// GitLab CI/CD: `.gitlab-ci.yml`.
    Gitlab,
}

/// Arguments of `tagoform init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository's root folder (made when missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Which CI platform's recipe to write.
    #[arg(long, value_enum)]
    pub ci: CiPlatform,
}

/// Arguments of `tagoform publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// A YAML file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The local clone of github.com/tago-io/decoders to write into.
    #[arg(long, value_name = "PATH")]
    pub decoders_repo: PathBuf,
    /// Only these networks or connectors (by key), and the configured networks a targeted
    /// connector names; every one with `publish:` without it.
    #[arg(long = "target", value_name = "KEY")]
    pub targets: Vec<String>,
}

/// Arguments of `tagoform apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A YAML file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(conflicts_with = "plan")]
    pub path: Option<PathBuf>,
    /// Apply this saved plan exactly (refused if what it touches changed since).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    #[command(flatten)]
    pub reconcile: ReconcileArgs,
    /// Do not ask for confirmation (needed when there is no terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Allow deleting profiles, networks and connectors marked `delete: true`.
    #[arg(long)]
    pub allow_delete: bool,
    /// Allow buying and removing add-ons (`addons:`): subscription changes that cost money.
    #[arg(long)]
    pub allow_billing: bool,
    /// Refuse when more than this many members and shares would be removed.
    #[arg(long, default_value_t = 10)]
    pub max_removals: usize,
    /// Write new token values to this file (JSON, mode 0600). Required when tokens are created.
    #[arg(long, value_name = "FILE")]
    pub tokens_out: Option<PathBuf>,
    /// Take the account's apply lock, so that two applies never interleave. It is an account
    /// token, so it needs TAGOIO_EMAIL and TAGOIO_PASSWORD. Use `--lock=false` only where
    /// applies cannot overlap (one CI job at a time).
    #[arg(
        long,
        value_name = "BOOL",
        default_value_t = true,
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        default_missing_value = "true"
    )]
    pub lock: bool,
    /// After applying, read TagoIO again (still under the lock) and check that nothing is
    /// left to do; exit 1, showing what is, if something is.
    #[arg(long)]
    pub verify: bool,
    /// How long to wait while another apply holds the lock: `0s` gives up at once; `30s`,
    /// `10m`, `1h`.
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = parse_duration)]
    pub lock_timeout: Duration,
    /// How long the apply lock lasts (whole minutes, at least 1): the longest this apply may
    /// run, and how long a crashed apply keeps the account locked (`tagoform unlock` frees it
    /// sooner). The lock is one token, never renewed, so it costs one two-factor code.
    #[arg(long, value_name = "DURATION", default_value = "15m", value_parser = parse_lease)]
    pub lock_lease: Duration,
}

/// A lock lease: whole minutes, from 1 minute to a day.
fn parse_lease(text: &str) -> Result<Duration, String> {
    let lease = parse_duration(text)?;
    let minutes = lease.as_secs() / 60;
    if !lease.as_secs().is_multiple_of(60) || !(1..=24 * 60).contains(&minutes) {
        return Err(format!(
            "`{text}`: the lease is whole minutes from 1m to 24h, such as 15m or 1h"
        ));
    }
    Ok(lease)
}

/// Arguments of `tagoform man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one file per page (`tagoform.1`, `tagoform-plan.1`, ...) into this folder,
    /// instead of every page to stdout.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Arguments of `tagoform doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The configuration whose profiles and tokens to check (a file or a folder).
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub api: ApiArgs,
}

/// Arguments of `tagoform otp`.
#[derive(Debug, Args)]
pub struct OtpArgs {
    #[command(flatten)]
    pub api: ApiArgs,
}

/// Arguments of `tagoform unlock`.
#[derive(Debug, Args)]
pub struct UnlockArgs {
    /// The run id of the lock to remove, as the waiting apply or `tagoform unlock` prints it.
    pub run_id: Option<String>,
    #[command(flatten)]
    pub api: ApiArgs,
}

/// `N` followed by `ms`, `s`, `m` or `h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let (amount, unit) = match crate::period::split_amount(text) {
        Some((amount, unit, false)) => (amount, unit),
        _ => {
            return Err(format!(
                "`{text}` is not a duration: write a number and a unit, such as 30s or 10m"
            ))
        }
    };
    let seconds = match unit {
        "ms" => return Ok(Duration::from_millis(amount)),
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => {
            return Err(format!(
                "`{text}`: the unit must be ms, s, m or h, such as 30s or 10m"
            ))
        }
    };
    amount
        .checked_mul(seconds)
        .filter(|total| *total <= 24 * 3600)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is longer than a day"))
}

/// Arguments of `tagoform export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Export only this profile (its id or its name); repeat for several. Default: all.
    #[arg(long = "profile", value_name = "ID_OR_NAME")]
    pub profiles: Vec<String>,
    /// Write one file per profile into this folder (new or empty), decoders under
    /// `decoders/`. Default: one document on stdout, decoders inline.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Give every profile `token_env: <PREFIX><KEY>` (KEY: the profile's key in upper snake
    /// case), so a CI job with one token per profile, and no password, can plan the export.
    /// The variables to create are listed on stderr.
    ///
    /// Example: --token-env-prefix TAGOIO_TOKEN_ writes `token_env: TAGOIO_TOKEN_ACME_PROD`.
    #[arg(long, value_name = "PREFIX", value_parser = token_env_prefix)]
    pub token_env_prefix: Option<String>,
    /// The most requests in flight at once. Under it, tagoform starts with 4 and doubles per
    /// round trip while TagoIO answers as fast (then adds one), and cuts on rising latency,
    /// a 429, a 5xx or no answer.
    #[arg(long, default_value_t = DEFAULT_PARALLELISM, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub parallelism: u16,
}

/// The start of an environment variable's name: a letter or `_`, then letters, digits, `_`.
fn token_env_prefix(text: &str) -> Result<String, String> {
    if crate::export::keys::is_variable_prefix(text) {
        Ok(text.to_owned())
    } else {
        Err(format!(
            "`{}` cannot start an environment variable's name: use letters, digits and `_`, not \
             starting with a digit, such as TAGOIO_TOKEN_",
            crate::text::visible(text)
        ))
    }
}

/// Arguments of `tagoform completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `tagoform completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}
