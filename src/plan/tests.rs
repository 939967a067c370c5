//! The diff, tested with plain values: no server, no files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::config::{
    Connector, ConnectorFields, Desired, ExternalProfile, Integration, Member, Network,
    NetworkFields, NetworkRef as ConfigNetworkRef, NetworkTarget, Origin, Profile, Recipient,
    Script, ShareTarget, TagoId,
};
use crate::live::{
    LiveMember, LiveObject, LiveProfile, LiveProfileState, LiveSnapshot, ObjectKind,
};

pub(super) const PROD: &str = "aaaaaaaaaaaaaaaaaaaaaaa1";
pub(super) const GLOBEX: &str = "64f1c2a9e3b1d40012ab34cd";
pub(super) const NET: &str = "bbbbbbbbbbbbbbbbbbbbbbb1";
pub(super) const CON: &str = "ccccccccccccccccccccccc1";

pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .unwrap()
}

pub(super) fn origin(line: usize) -> Origin {
    Origin {
        file: PathBuf::from("tagoform.yaml"),
        line,
        column: 5,
    }
}

pub(super) fn profile(key: &str, name: &str) -> Profile {
    Profile {
        key: key.into(),
        name: name.into(),
        id: None,
        logo_url: None,
        banner_url: None,
        allocation: None,
        addons: None,
        token_env: None,
        exclusive: false,
        delete: false,
        team: None,
        tokens: None,
        origin: origin(3),
        field_origins: BTreeMap::new(),
    }
}

/// A configured object of `kind` fields, everything else unset.
fn integration<F>(key: &str, profile: &str, name: &str, line: usize, own: F) -> Integration<F> {
    Integration {
        key: key.into(),
        profile: profile.into(),
        name: name.into(),
        id: None,
        delete: false,
        description: None,
        logo_url: None,
        device_parameters: None,
        payload_encoder: None,
        payload_decoder: None,
        shared_with: None,
        publish: None,
        origin: origin(line),
        field_origins: BTreeMap::new(),
        own,
    }
}

pub(super) fn network(key: &str, profile: &str, name: &str) -> Network {
    integration(key, profile, name, 20, NetworkFields::default())
}

pub(super) fn connector(key: &str, profile: &str, name: &str, networks: &[&str]) -> Connector {
    let networks = networks
        .iter()
        .map(|n| ConfigNetworkRef {
            target: NetworkTarget::Configured((*n).into()),
            origin: origin(31),
        })
        .collect();
    let own = ConnectorFields {
        networks,
        ..ConnectorFields::default()
    };
    integration(key, profile, name, 30, own)
}

pub(super) fn external(key: &str, id: &str) -> ShareTarget {
    ShareTarget {
        key: key.into(),
        recipient: Recipient::External(TagoId::parse(id).unwrap()),
        origin: origin(40),
    }
}

/// The quickstart's shape: one profile, one network, one connector, shared with globex.
pub(super) fn quickstart() -> Desired {
    let mut desired = Desired::default();
    desired.external_profiles.insert(
        "globex".into(),
        ExternalProfile {
            key: "globex".into(),
            id: TagoId::parse(GLOBEX).unwrap(),
            origin: origin(2),
        },
    );
    desired
        .profiles
        .insert("prod".into(), profile("prod", "ACME Production"));
    let mut net = network("lorawan", "prod", "ACME LoRaWAN");
    net.shared_with = Some(vec![external("globex", GLOBEX)]);
    net.payload_decoder = Some(Script {
        text: "// v1\n".into(),
        file: None,
    });
    desired.networks.insert("lorawan".into(), net);
    let mut con = connector("th", "prod", "ACME TH", &["lorawan"]);
    con.shared_with = Some(vec![external("globex", GLOBEX)]);
    desired.connectors.insert("th".into(), con);
    desired
}

pub(super) fn live_object(id: &str, name: &str, networks: &[&str], shares: &[&str]) -> LiveObject {
    LiveObject {
        id: id.into(),
        name: name.into(),
        fields: BTreeMap::new(),
        networks: networks.iter().map(|n| (*n).into()).collect(),
        public: false,
        shares: Some(shares.iter().map(|s| (*s).into()).collect()),
    }
}

/// The live state after the quickstart was applied.
pub(super) fn quickstart_live() -> LiveSnapshot {
    let mut net = live_object(NET, "ACME LoRaWAN", &[], &[GLOBEX]);
    net.fields
        .insert("payload_decoder".into(), json!("// v1\n"));
    let con = live_object(CON, "ACME TH", &[NET], &[GLOBEX]);
    LiveSnapshot {
        profiles: vec![LiveProfile {
            id: PROD.into(),
            name: "ACME Production".into(),
            logo_url: None,
        }],
        details: BTreeMap::from([(
            PROD.to_string(),
            LiveProfileState {
                networks: vec![net],
                connectors: vec![con],
                ..LiveProfileState::default()
            },
        )]),
        billing: None,
        catalog: Vec::new(),
        prepared: None,
        networks_seen: Default::default(),
    }
}

pub(super) fn ops(plan: &Plan) -> Vec<String> {
    plan.operations
        .iter()
        .map(|op| {
            let kind = serde_json::to_value(&op.kind).unwrap();
            format!("{} {}", kind["op"].as_str().unwrap(), op.profile)
        })
        .collect()
}

#[test]
fn an_empty_account_gets_everything_in_dependency_order() {
    let plan = plan(&quickstart(), &LiveSnapshot::default(), now()).unwrap();
    assert_eq!(
        ops(&plan),
        [
            "create_profile prod",
            "create_object prod",
            "create_object prod",
            "share prod",
            "share prod"
        ]
    );
    let by_op = |name: &str| {
        plan.operations
            .iter()
            .filter(|op| serde_json::to_value(&op.kind).unwrap()["op"] == name)
            .collect::<Vec<_>>()
    };
    let network = plan
        .operations
        .iter()
        .find(|op| matches!(&op.kind, OperationKind::CreateObject { object, .. } if object.kind == ObjectKind::Network))
        .unwrap();
    let connector = plan
        .operations
        .iter()
        .find(|op| matches!(&op.kind, OperationKind::CreateObject { object, .. } if object.kind == ObjectKind::Connector))
        .unwrap();
    assert_eq!(network.depends_on, [0]);
    assert_eq!(connector.depends_on, [0, network.index]);
    match &connector.kind {
        OperationKind::CreateObject { networks, .. } => {
            assert_eq!(networks, &[NetworkRef::Created("lorawan".into())])
        }
        other => panic!("unexpected {other:?}"),
    }
    // The connector's share waits for the network's share with the same recipient.
    let shares = by_op("share");
    let network_share = shares
        .iter()
        .find(|op| matches!(&op.kind, OperationKind::Share { object, .. } if object.kind == ObjectKind::Network))
        .unwrap();
    let connector_share = shares
        .iter()
        .find(|op| matches!(&op.kind, OperationKind::Share { object, .. } if object.kind == ObjectKind::Connector))
        .unwrap();
    assert_eq!(network_share.depends_on, [0, network.index]);
    assert_eq!(
        connector_share.depends_on,
        [0, connector.index, network_share.index]
    );
    assert_eq!(
        plan.summary(),
        Summary {
            add: 5,
            change: 0,
            remove: 0,
        }
    );
}

#[test]
fn a_matching_account_needs_nothing() {
    let plan = plan(&quickstart(), &quickstart_live(), now()).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.operations);
}

#[test]
fn an_empty_logo_url_matches_a_profile_without_a_logo() {
    let mut desired = quickstart();
    for profile in desired.profiles.values_mut() {
        profile.logo_url = Some(String::new());
    }
    let plan = plan(&desired, &quickstart_live(), now()).unwrap();
    assert!(plan.is_empty(), "{:#?}", plan.operations);
}

#[test]
fn the_same_inputs_give_the_same_plan_byte_for_byte() {
    let first =
        serde_json::to_string(&plan(&quickstart(), &LiveSnapshot::default(), now()).unwrap())
            .unwrap();
    let second =
        serde_json::to_string(&plan(&quickstart(), &LiveSnapshot::default(), now()).unwrap())
            .unwrap();
    assert_eq!(first, second);
}

#[test]
fn duplicate_live_profile_names_without_a_pin_stop_the_plan_and_list_the_ids() {
    let mut live = quickstart_live();
    live.profiles.push(LiveProfile {
        id: "aaaaaaaaaaaaaaaaaaaaaaa2".into(),
        name: "ACME Production".into(),
        logo_url: None,
    });
    let error = plan(&quickstart(), &live, now()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "tagoform.yaml:3:5: profile `prod`: 2 live profiles are named `ACME Production` \
         (aaaaaaaaaaaaaaaaaaaaaaa1, aaaaaaaaaaaaaaaaaaaaaaa2); pin the right one with `id:` under profiles.prod"
    );
}

#[test]
fn a_pin_picks_one_of_two_profiles_with_the_same_name() {
    let mut live = quickstart_live();
    live.profiles.push(LiveProfile {
        id: "aaaaaaaaaaaaaaaaaaaaaaa2".into(),
        name: "ACME Production".into(),
        logo_url: None,
    });
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().id = TagoId::parse(PROD);
    assert!(plan(&desired, &live, now()).unwrap().is_empty());
}

#[test]
fn a_pin_to_a_missing_profile_is_an_error_not_a_create() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().id = TagoId::parse("aaaaaaaaaaaaaaaaaaaaaaa9");
    let error = plan(&desired, &quickstart_live(), now()).unwrap_err();
    assert!(matches!(
        error.errors.as_slice(),
        [IdentityError::PinnedProfileMissing { key, .. }] if key == "prod"
    ));
}

pub(super) fn member(email: &str, active: bool, invited_days_ago: i64) -> LiveMember {
    let invited = now() - Duration::days(invited_days_ago);
    LiveMember {
        account_id: format!("{:0>24}", email.len()),
        email: email.into(),
        active,
        invited_at: Some(invited),
        expires_at: (!active).then(|| invited + Duration::days(7)),
    }
}

#[test]
fn team_invites_revokes_and_leaves_pending_invitations_alone() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().team = Some(
        [
            "Alice@acme.example",
            "bob@acme.example",
            "carol@acme.example",
            "new@acme.example",
        ]
        .iter()
        .map(|email| Member {
            email: (*email).into(),
            origin: origin(9),
        })
        .collect(),
    );
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().team = Some(vec![
        member("alice@acme.example", true, 30), // active, case differs: kept
        member("bob@acme.example", false, 2),   // pending: not re-sent
        member("carol@acme.example", false, 8), // expired: re-sent
        member("mallory@evil.example", true, 40), // not listed: removed
        member("eve@evil.example", false, 1),   // pending, not listed: revoked
        member("old@evil.example", false, 9), // expired, not listed: removed, not an access removal
    ]);
    let plan = plan(&desired, &live, now()).unwrap();
    let summary: Vec<String> = plan
        .operations
        .iter()
        .map(|op| match &op.kind {
            OperationKind::InviteMember {
                email, reinvite, ..
            } => format!("invite {email} {reinvite}"),
            OperationKind::RemoveMember {
                email,
                pending,
                expired,
                ..
            } => format!(
                "remove {email} {pending}{}",
                if *expired { " expired" } else { "" }
            ),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "remove eve@evil.example true",
            "remove mallory@evil.example false",
            "remove old@evil.example true expired",
            "invite carol@acme.example true",
            "invite new@acme.example false",
        ]
    );
    assert_eq!(plan.access_removals(), 2);
    assert!(matches!(
        plan.notices.as_slice(),
        [Notice::PendingInvitation { email, .. }] if email == "bob@acme.example"
    ));
}

#[test]
fn a_team_left_out_is_not_managed_and_an_empty_team_removes_everyone() {
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().team = Some(vec![member("alice@acme.example", true, 30)]);
    assert!(plan(&quickstart(), &live, now()).unwrap().is_empty());
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().team = Some(Vec::new());
    assert_eq!(
        ops(&plan(&desired, &live, now()).unwrap()),
        ["remove_member prod"]
    );
}
