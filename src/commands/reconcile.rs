//! What `plan` and `apply` share: load and validate the YAML, open the API, pick each profile's
//! token, read the live state and compute the plan.

use std::path::Path;

use anyhow::{bail, Context};

use super::session::{self as local, Session};
pub use super::settings::ConnectSettings;
use crate::access::Access;
use crate::cli::ColorChoice;
use crate::config::{self, diagnostic, Desired};
use crate::environment::Environment;
use crate::live;
use crate::plan::{self, Plan};
use crate::render::Style;

/// Loads the configuration exactly as `validate` does; diagnostics go to stderr and any error
/// stops here, before the network is touched.
pub fn load_desired(path: &Path) -> anyhow::Result<Desired> {
    let loaded = config::load(path)
        .with_context(|| format!("cannot read the configuration at `{}`", path.display()))?;
    // With -q, only errors.
    let shown: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| !super::quiet() || d.severity == diagnostic::Severity::Error)
        .cloned()
        .collect();
    if !shown.is_empty() {
        diagnostic::write_text(&mut std::io::stderr().lock(), &shown)?;
    }
    match loaded.desired {
        Some(desired) => Ok(desired),
        None => {
            let (errors, _) = diagnostic::counts(&loaded.diagnostics);
            bail!(
                "the configuration has {errors} error(s); nothing was read from or sent to TagoIO \
                 (run `tagoform validate {}` for details)",
                path.display()
            )
        }
    }
}

/// An open API session with a token for every profile that needs one.
pub struct Connected {
    /// Keeps the embedded emulator of `--api local` running until the command ends.
    pub session: Session,
    pub access: Access,
    /// Who applies, for the apply lock's name (`lock::holder::who`).
    pub lock_holder: String,
}

impl Connected {
    /// Removes short-lived tokens (what cannot be removed expires on its own within the
    /// hour), then ends the session: an error when `--api local` could not save its state.
    pub async fn close(self) -> anyhow::Result<()> {
        let (now, highest) = self.session.client.concurrency_limits();
        tracing::info!("requests in flight: at most {highest} (limit {now} at the end)");
        for failure in self.access.close().await {
            tracing::warn!("could not remove a short-lived profile token: {failure}");
        }
        self.session.finish().await
    }
}

/// Resolves the flags and `env` ([`ConnectSettings`]), then opens the API with a token for
/// every profile of `desired` that needs one.
pub async fn connect(
    desired: &Desired,
    args: &crate::cli::ApiArgs,
    parallelism: u16,
    env: &Environment,
) -> anyhow::Result<Connected> {
    use std::io::IsTerminal;
    let attended = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    connect_with(ConnectSettings::resolve(
        desired,
        args,
        parallelism,
        env,
        attended,
    )?)
    .await
}

/// Opens the API the settings name, with a token for every profile that needs one.
pub async fn connect_with(settings: ConnectSettings) -> anyhow::Result<Connected> {
    let directory = std::env::current_dir().context("cannot read the current directory")?;
    let parallelism = usize::from(settings.parallelism);
    let session = local::open(&settings.api, &directory, |builder| {
        builder.concurrency(parallelism)
    })
    .await
    .context("cannot open the TagoIO API")?;
    let access = Access::new(
        session.client.clone(),
        settings.credentials,
        settings.profile_tokens,
    );
    Ok(Connected {
        session,
        access,
        lock_holder: settings.lock_holder,
    })
}

/// Reads the live state and plans, restricted to `--target` keys when given.
pub async fn compute_plan(
    desired: &Desired,
    connected: &Connected,
    parallelism: u16,
    targets: &[String],
    decoders_repo: Option<&std::path::Path>,
) -> anyhow::Result<Plan> {
    let (plan, _) = compute_plans(
        desired,
        None,
        connected,
        parallelism,
        targets,
        decoders_repo,
    )
    .await?;
    Ok(plan)
}

/// `plan --baseline`: the target branch's configuration, and what one read of TagoIO must
/// cover for both (`read`: the change's configuration widened with the baseline's profiles
/// and objects, `plan::union`).
#[derive(Clone, Copy)]
pub struct Baseline<'a> {
    pub desired: &'a Desired,
    pub read: &'a Desired,
}

/// The one pipeline of plan, apply and `plan --baseline`: read the live state once (what
/// `baseline.read` covers, else the configuration), note what the decoders clone holds,
/// plan the configuration (and the baseline) by the server's clock, and restrict both to
/// `--target`, checking the allocation again as it will then be sent.
pub async fn compute_plans(
    desired: &Desired,
    baseline: Option<Baseline<'_>>,
    connected: &Connected,
    parallelism: u16,
    targets: &[String],
    decoders_repo: Option<&std::path::Path>,
) -> anyhow::Result<(Plan, Option<Plan>)> {
    // A clone that cannot be used is known before reading anything.
    let repo = decoders_repo
        .map(crate::publish::repo::Repo::open)
        .transpose()?;
    // A mistyped key is known from the YAML alone: refuse it before reading anything.
    check_targets(desired, targets)?;
    let read = baseline.map_or(desired, |baseline| baseline.read);
    let client = &connected.session.client;
    let before = client.requests_sent();
    let spinner = super::progress::spinner("reading the live state from TagoIO");
    let live = live::fetch(read, &connected.access, usize::from(parallelism)).await;
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let mut live = live.context("cannot read the live state from TagoIO")?;
    if let Some(repo) = &repo {
        live.prepared = Some(repo.prepared(read));
    }
    tracing::info!(
        "read the live state in {} request(s)",
        client.requests_sent() - before
    );
    // Invitations and tokens expire by the server's clock, not this machine's.
    let now = client.server_time().unwrap_or_else(chrono::Utc::now);
    let planning = std::time::Instant::now();
    let plan = plan::plan(desired, &live, now)?;
    tracing::info!(
        "planned {} operation(s) in {:.1} ms",
        plan.operations.len(),
        planning.elapsed().as_secs_f64() * 1000.0
    );
    let base = baseline
        .map(|baseline| {
            plan::plan(baseline.desired, &live, now).context(
                "cannot plan the baseline configuration (the target branch) against TagoIO",
            )
        })
        .transpose()?;
    if targets.is_empty() {
        return Ok((plan, base));
    }
    let plan = plan::restrict(plan, targets);
    // Cut by `--target`, the allocation sends fewer entries: checked again as it will be sent.
    let over_limits = plan::over_limits(&plan, &live);
    if !over_limits.is_empty() {
        return Err(plan::PlanError {
            errors: Vec::new(),
            over_limits,
        }
        .into());
    }
    Ok((plan, base.map(|base| plan::restrict(base, targets))))
}

/// Refuses a `--target` key that names nothing in the configuration.
pub fn check_targets(desired: &Desired, targets: &[String]) -> anyhow::Result<()> {
    for target in targets {
        let known = desired.profiles.contains_key(target)
            || desired.networks.contains_key(target)
            || desired.connectors.contains_key(target)
            || desired.external_profiles.contains_key(target);
        if !known {
            bail!("--target {target}: no profile, network or connector has that key");
        }
    }
    Ok(())
}

/// The plan's style: colour as `--color` and the environment say (`super::color`).
pub fn style(choice: ColorChoice) -> Style {
    Style {
        color: super::color::stdout(choice),
    }
}

/// A tokio runtime for one command.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
