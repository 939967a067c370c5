//! One percent of drift, made by hand through the API as a person in the web console would:
//! every 100th team member removed, every 100th object's description edited, every 100th
//! share withdrawn (counted over the whole account in a fixed order).

use std::collections::BTreeMap;

use anyhow::Context;

use tagoform::access::Access;
use tagoform::api::types::{ConnectorCreateInfo, NetworkCreateInfo};
use tagoform::api::ObjectKind;
use tagoform::emulator::model::State;

use super::generate::MAIN_PROFILE_ID;

/// What was changed, as the routes that repair it, by customer profile name.
#[derive(Debug, Default)]
pub struct Drift {
    pub repairs: BTreeMap<String, Vec<&'static str>>,
}

impl Drift {
    pub fn repairs_of(&self, profile: &str) -> Vec<&'static str> {
        self.repairs.get(profile).cloned().unwrap_or_default()
    }
}

/// Drifts the account whose state is `state` (the emulator behind `access`).
pub async fn make(state: &State, access: &Access) -> anyhow::Result<Drift> {
    let mut drift = Drift::default();
    let integrator = state
        .profiles
        .get(MAIN_PROFILE_ID)
        .map(|p| p.account.clone())
        .context("the integrator's profile is missing")?;
    let mut customers: Vec<_> = state
        .profiles
        .values()
        .filter(|p| p.account == integrator && p.id != MAIN_PROFILE_ID)
        .collect();
    customers.sort_by(|a, b| a.name.cmp(&b.name));
    let account = access.account();
    let mut counter = 0usize;
    for profile in &customers {
        for account_id in profile.team.keys() {
            if counter.is_multiple_of(100) {
                account.team_remove(&profile.id, account_id).await?;
                drift.add(&profile.name, "POST /profile/{id}/team");
            }
            counter += 1;
        }
    }
    let (mut objects, mut shares) = (0usize, 0usize);
    for profile in &customers {
        let client = access.profile(&profile.name, &profile.id).await?;
        let mut owned: Vec<_> = state
            .integrations
            .values()
            .filter(|i| i.profile == profile.id)
            .collect();
        owned.sort_by_key(|i| {
            i.fields
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned)
        });
        for object in owned {
            let kind = object.kind;
            if objects % 100 == 0 {
                let description = Some("Edited by hand in the console".to_owned());
                match kind {
                    ObjectKind::Network => {
                        let edit = NetworkCreateInfo {
                            description,
                            ..Default::default()
                        };
                        client.network_edit(&object.id, &edit).await?;
                        drift.add(&profile.name, "PUT /integration/network/{id}");
                    }
                    ObjectKind::Connector => {
                        let edit = ConnectorCreateInfo {
                            description,
                            ..Default::default()
                        };
                        client.connector_edit(&object.id, &edit).await?;
                        drift.add(&profile.name, "PUT /integration/connector/{id}");
                    }
                }
            }
            objects += 1;
            for recipient in object.shares.keys() {
                if shares % 100 == 0 {
                    client
                        .unshare_confirmed(kind, &object.id, recipient)
                        .await?;
                    drift.add(
                        &profile.name,
                        match kind {
                            ObjectKind::Network => "POST /integration/network/{id}/share",
                            ObjectKind::Connector => "POST /integration/connector/{id}/share",
                        },
                    );
                }
                shares += 1;
            }
        }
    }
    Ok(drift)
}

impl Drift {
    fn add(&mut self, profile: &str, route: &'static str) {
        self.repairs
            .entry(profile.to_owned())
            .or_default()
            .push(route);
    }
}
