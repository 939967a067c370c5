//! Shared helpers of the export tests: apply a configuration to an emulator in this process,
//! export the account into a folder, and plan that folder against the same emulator.

use std::path::{Path, PathBuf};

use tagoform::access::Access;
use tagoform::api::{Client, Token};
use tagoform::config::Desired;
use tagoform::export::{self, Exported, Layout, Options};
use tagoform::live;
use tagoform::plan::{self, Plan};
use tagoform::render;

use crate::support::clock::{now, NOW};
use crate::support::emulator::{demo_access, Api, DEMO};

/// An emulator with the demo seed and a frozen clock, and an [`Access`] as the demo account.
pub struct Account {
    pub api: Api,
    pub access: Access,
}

impl Account {
    pub async fn start() -> Self {
        let api = Api::start().await;
        api.freeze(NOW).await;
        let client = Client::builder(api.emulator.url())
            .token(Token::new(DEMO))
            .build()
            .unwrap();
        let access = demo_access(client);
        // The profile list first, as every command reads it first: the client learns
        // TagoIO's clock from the answer, and dates the short-lived tokens it asks for by it.
        access.account().profiles_list().await.unwrap();
        Self { api, access }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        now()
    }

    /// Plans `desired` against the emulator as it is now.
    pub async fn plan(&self, desired: &Desired) -> Plan {
        let live = live::fetch(desired, &self.access, 8).await.unwrap();
        plan::plan(desired, &live, self.now()).unwrap()
    }

    /// Applies the configuration at `path`; every operation must succeed. Returns the values
    /// of the tokens it created.
    pub async fn apply(&self, path: &Path) -> Vec<String> {
        let desired = load(path);
        let plan = self.plan(&desired).await;
        let report = tagoform::apply::apply(&plan, &self.access, 8, None, |_, _| {}).await;
        assert!(report.succeeded(), "{:?}", report.outcomes);
        report
            .created_tokens
            .iter()
            .map(|created| created.token.expose().to_owned())
            .collect()
    }

    /// Exports the profiles named in `selection` (all when empty).
    pub async fn export(&self, selection: &[&str], layout: Layout) -> Exported {
        let selection: Vec<String> = selection.iter().map(|s| s.to_string()).collect();
        let snapshot = export::read(&self.access, &selection, 8).await.unwrap();
        let options = Options {
            layout,
            now: self.now(),
            token_env_prefix: None,
        };
        export::export(&snapshot, &options).unwrap()
    }

    /// Exports everything into a new folder and returns it (kept while the guard lives).
    pub async fn export_to_folder(&self) -> (tempfile::TempDir, Exported) {
        let exported = self.export(&[], Layout::Folder).await;
        let folder = tempfile::tempdir().unwrap();
        write(folder.path(), &exported);
        (folder, exported)
    }
}

pub fn write(folder: &Path, exported: &Exported) {
    for file in &exported.files {
        let path = folder.join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.text).unwrap();
    }
}

pub use super::load;

/// The plan as `tagoform plan` prints it, without colour.
pub fn text(plan: &Plan) -> String {
    let mut out = Vec::new();
    render::text::render(plan, render::Style { color: false }, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}
