//! The diff, tested with plain values: no server, no files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::*;
use crate::config::{
    Connector, Desired, Expiry, ExternalProfile, Member, Network, NetworkRef as ConfigNetworkRef,
    NetworkTarget, Origin, Period, PeriodUnit, Permission, Profile, Publish, Recipient, Script,
    ShareTarget, TagoId, Token, Version,
};
use crate::live::{
    LiveMember, LiveObject, LiveProfile, LiveProfileState, LiveSnapshot, LiveToken, ObjectKind,
};

const PROD: &str = "aaaaaaaaaaaaaaaaaaaaaaa1";
const GLOBEX: &str = "64f1c2a9e3b1d40012ab34cd";
const NET: &str = "bbbbbbbbbbbbbbbbbbbbbbb1";
const CON: &str = "ccccccccccccccccccccccc1";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0)
        .single()
        .unwrap()
}

fn origin(line: usize) -> Origin {
    Origin {
        file: PathBuf::from("tagoform.yaml"),
        line,
        column: 5,
    }
}

fn profile(key: &str, name: &str) -> Profile {
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

fn network(key: &str, profile: &str, name: &str) -> Network {
    Network {
        key: key.into(),
        profile: profile.into(),
        name: name.into(),
        id: None,
        delete: false,
        description: None,
        logo_url: None,
        icon_url: None,
        banner_url: None,
        device_parameters: None,
        middleware_endpoint: None,
        payload_encoder: None,
        payload_decoder: None,
        documentation_url: None,
        serial_number: None,
        require_devices_access: None,
        shared_with: None,
        publish: None,
        origin: origin(20),
        field_origins: BTreeMap::new(),
    }
}

fn connector(key: &str, profile: &str, name: &str, networks: &[&str]) -> Connector {
    Connector {
        key: key.into(),
        profile: profile.into(),
        name: name.into(),
        id: None,
        delete: false,
        networks: networks
            .iter()
            .map(|n| ConfigNetworkRef {
                target: NetworkTarget::Configured((*n).into()),
                origin: origin(31),
            })
            .collect(),
        description: None,
        logo_url: None,
        device_parameters: None,
        payload_encoder: None,
        payload_decoder: None,
        install_text: None,
        install_end_text: None,
        device_annotation: None,
        shared_with: None,
        publish: None,
        origin: origin(30),
        field_origins: BTreeMap::new(),
    }
}

fn external(key: &str, id: &str) -> ShareTarget {
    ShareTarget {
        key: key.into(),
        recipient: Recipient::External(TagoId::parse(id).unwrap()),
        origin: origin(40),
    }
}

/// The quickstart's shape: one profile, one network, one connector, shared with globex.
fn quickstart() -> Desired {
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

fn live_object(id: &str, name: &str, networks: &[&str], shares: &[&str]) -> LiveObject {
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
fn quickstart_live() -> LiveSnapshot {
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
    }
}

fn ops(plan: &Plan) -> Vec<String> {
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

fn member(email: &str, active: bool, invited_days_ago: i64) -> LiveMember {
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

fn live_token(
    name: &str,
    permission: &str,
    kind: &str,
    expires: Option<DateTime<Utc>>,
) -> LiveToken {
    LiveToken {
        name: name.into(),
        permission: permission.into(),
        expires_at: expires,
        created_at: Some(now() - Duration::days(10)),
        kind: Some(kind.into()),
    }
}

fn desired_token(name: &str, permission: Permission, expires: Expiry) -> Token {
    Token {
        name: name.into(),
        permission,
        expires,
        origin: origin(12),
    }
}

#[test]
fn tokens_are_replaced_on_a_permission_change_and_others_are_never_touched() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().tokens = Some(vec![
        desired_token("ci-deploy", Permission::Read, Expiry::Never),
        desired_token(
            "backup",
            Permission::Full,
            Expiry::Period(Period {
                amount: 10,
                unit: PeriodUnit::Days,
            }),
        ),
        desired_token("new", Permission::Write, Expiry::Never),
    ]);
    let mut live = quickstart_live();
    let ten_days_after_creation = Some(now());
    live.details.get_mut(PROD).unwrap().tokens = Some(vec![
        live_token("ci-deploy", "write", "account", None),
        live_token("backup", "full", "account", ten_days_after_creation),
        live_token("new", "read", "login", None),
        live_token("hand-made", "full", "account", None),
    ]);
    let plan = plan(&desired, &live, now()).unwrap();
    let summary: Vec<String> = plan
        .operations
        .iter()
        .map(|op| match &op.kind {
            OperationKind::ReplaceToken { name, replaces, .. } => {
                format!("replace {name} {}", replaces.len())
            }
            OperationKind::CreateToken { name, .. } => format!("create {name}"),
            other => format!("{other:?}"),
        })
        .collect();
    // `backup` expired exactly now, so it is rotated; a token is known by its name whatever
    // TagoIO's free `type` says, so `new` (a `login` one, of the wrong permission) is replaced;
    // `hand-made` is never touched.
    assert_eq!(
        summary,
        ["replace backup 1", "replace ci-deploy 1", "replace new 1"]
    );
    let ci = &plan.operations[1];
    assert_eq!(
        ci.changes,
        [FieldChange::new(
            "permission",
            Some(json!("write")),
            json!("read")
        )]
    );
    assert!(plan.creates_tokens());
}

#[test]
fn a_token_left_over_from_an_interrupted_replacement_is_deleted() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().tokens = Some(vec![desired_token(
        "ci-deploy",
        Permission::Read,
        Expiry::Never,
    )]);
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().tokens = Some(vec![
        live_token("ci-deploy", "write", "account", None),
        live_token("ci-deploy", "read", "account", None),
    ]);
    let plan = plan(&desired, &live, now()).unwrap();
    assert!(matches!(
        plan.operations.as_slice(),
        [Operation { kind: OperationKind::DeleteToken { stamp, .. }, .. }] if stamp.permission == "write"
    ));
    assert!(!plan.creates_tokens());
}

#[test]
fn a_share_the_list_does_not_name_is_removed_and_shares_left_out_are_untouched() {
    let mut live = quickstart_live();
    let stranger = "dddddddddddddddddddddddd";
    live.details.get_mut(PROD).unwrap().connectors[0]
        .shares
        .as_mut()
        .unwrap()
        .push(stranger.into());
    let plan_with_list = plan(&quickstart(), &live, now()).unwrap();
    assert!(matches!(
        plan_with_list.operations.as_slice(),
        [Operation { kind: OperationKind::Unshare { recipient_id, recipient_key: None, .. }, .. }] if recipient_id == stranger
    ));
    let mut desired = quickstart();
    desired.connectors.get_mut("th").unwrap().shared_with = None;
    assert!(plan(&desired, &live, now()).unwrap().is_empty());
}

#[test]
fn only_the_fields_the_configuration_sets_are_compared_and_shown() {
    let mut desired = quickstart();
    desired.networks.get_mut("lorawan").unwrap().payload_decoder = Some(Script {
        text: "// v2\n".into(),
        file: Some(PathBuf::from("decoders/lorawan.js")),
    });
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().networks[0]
        .fields
        .insert("description".into(), json!("set by hand, not managed"));
    let plan = plan(&desired, &live, now()).unwrap();
    assert_eq!(ops(&plan), ["update_object prod"]);
    assert_eq!(
        plan.operations[0].changes,
        [FieldChange::new(
            "payload_decoder",
            Some(json!("// v1\n")),
            json!("// v2\n")
        )]
    );
}

#[test]
fn publish_plans_no_operation_only_where_the_catalog_and_the_clone_stand() {
    let mut desired = quickstart();
    desired.connectors.get_mut("th").unwrap().publish = Some(Publish {
        folders: Some(("acme".into(), "th".into())),
        version: Version::FIRST,
        images: Vec::new(),
        description: None,
        message: None,
        origin: origin(35),
    });
    // `printf %s 'connector:acmeth-v1.0.0' | md5sum`
    let id = "08572481b4bf199e900dee60";
    let status = |live: &LiveSnapshot| {
        let planned = plan(&desired, live, now()).unwrap();
        assert!(planned.is_empty());
        match planned.notices.as_slice() {
            [Notice::Publication {
                profile,
                object,
                version,
                catalog_id,
                status,
            }] => {
                assert_eq!((profile.as_str(), object.key.as_str()), ("prod", "th"));
                assert_eq!((version.as_str(), catalog_id.as_str()), ("v1.0.0", id));
                status.clone()
            }
            other => panic!("{other:?}"),
        }
    };
    let mut live = quickstart_live();
    assert_eq!(status(&live), PublicationStatus::NotPublic);
    let prepared = |version: Option<&str>| {
        Some(vec![crate::live::PreparedIn {
            kind: ObjectKind::Connector,
            key: "th".into(),
            version: version.map(str::to_owned),
            catalog_id: id.into(),
        }])
    };
    live.prepared = prepared(None);
    assert_eq!(status(&live), PublicationStatus::NotPrepared);
    live.prepared = prepared(Some("v1.0.0"));
    assert_eq!(
        status(&live),
        PublicationStatus::Prepared {
            prepared: "v1.0.0".into()
        }
    );
    let named = |ids: &[&str]| {
        vec![crate::live::CatalogNamed {
            kind: ObjectKind::Connector,
            key: "th".into(),
            public_ids: ids.iter().map(|i| i.to_string()).collect(),
        }]
    };
    live.catalog = named(&["0000000000000000000000aa"]);
    assert_eq!(
        status(&live),
        PublicationStatus::OtherVersionPublic {
            public_ids: vec!["0000000000000000000000aa".into()],
            prepared: Some("v1.0.0".into())
        }
    );
    live.catalog = named(&[id]);
    assert_eq!(status(&live), PublicationStatus::Public);
}

#[test]
fn unmanaged_objects_are_listed_unless_the_profile_is_exclusive() {
    let mut live = quickstart_live();
    let state = live.details.get_mut(PROD).unwrap();
    state.connectors.push(live_object(
        "ccccccccccccccccccccccc2",
        "Hand made",
        &[NET],
        &[],
    ));
    let listed = plan(&quickstart(), &live, now()).unwrap();
    assert!(listed.is_empty());
    assert!(matches!(
        listed.notices.as_slice(),
        [Notice::Unmanaged { .. }]
    ));

    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().exclusive = true;
    let exclusive = plan(&desired, &live, now()).unwrap();
    assert!(matches!(
        exclusive.operations.as_slice(),
        [Operation { kind: OperationKind::DeleteObject { object, .. }, .. }] if object.name == "Hand made"
    ));
    assert!(exclusive.notices.is_empty());
}

#[test]
fn a_network_is_deleted_after_the_connector_that_used_it() {
    let mut desired = quickstart();
    desired.networks.get_mut("lorawan").unwrap().delete = true;
    desired.connectors.get_mut("th").unwrap().delete = true;
    let plan = plan(&desired, &quickstart_live(), now()).unwrap();
    let deletes: Vec<(ObjectKind, Vec<usize>, usize)> = plan
        .operations
        .iter()
        .filter_map(|op| match &op.kind {
            OperationKind::DeleteObject { object, .. } => {
                Some((object.kind, op.depends_on.clone(), op.index))
            }
            _ => None,
        })
        .collect();
    let connector = deletes
        .iter()
        .find(|d| d.0 == ObjectKind::Connector)
        .unwrap();
    let network = deletes.iter().find(|d| d.0 == ObjectKind::Network).unwrap();
    assert_eq!(network.1, [connector.2]);
    assert_eq!(plan.object_deletions().count(), 2);
}

#[test]
fn removals_come_first_in_review_order() {
    let mut desired = quickstart();
    desired.profiles.get_mut("prod").unwrap().team = Some(vec![Member {
        email: "new@acme.example".into(),
        origin: origin(9),
    }]);
    let mut live = quickstart_live();
    live.details.get_mut(PROD).unwrap().team = Some(vec![member("old@acme.example", true, 30)]);
    let plan = plan(&desired, &live, now()).unwrap();
    assert_eq!(ops(&plan), ["remove_member prod", "invite_member prod"]);
}

/// The quickstart's live state with a second connector named like the first.
fn two_connectors_named_alike() -> LiveSnapshot {
    let mut live = quickstart_live();
    let state = live.details.get_mut(PROD).unwrap();
    let mut twin = live_object(CON2, "ACME TH", &[NET], &[GLOBEX]);
    twin.fields.insert("description".into(), json!("old"));
    state.connectors.push(twin);
    live
}

const CON2: &str = "ccccccccccccccccccccccc2";

#[test]
fn two_live_connectors_of_the_same_name_stop_the_plan_unless_one_is_pinned() {
    let mut desired = quickstart();
    desired.connectors.get_mut("th").unwrap().description = Some("new".into());
    let error = plan(&desired, &two_connectors_named_alike(), now()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "tagoform.yaml:30:5: connector `th`: 2 live connectors of profile `prod` are named \
             `ACME TH` ({CON}, {CON2}); pin the right one with `id:` under connectors.th, or \
             rename all but one on TagoIO"
        )
    );

    desired.connectors.get_mut("th").unwrap().id = TagoId::parse(CON2);
    let pinned = plan(&desired, &two_connectors_named_alike(), now()).unwrap();
    assert!(
        matches!(
            pinned.operations.as_slice(),
            [Operation { kind: OperationKind::UpdateObject { object, networks: None, .. }, changes, .. }]
                if object.id.as_deref() == Some(CON2)
                    && changes == &[FieldChange::new("description", Some(json!("old")), json!("new"))]
        ),
        "{:#?}",
        pinned.operations
    );
    // The other one is not the configured connector, whatever its name.
    assert!(
        matches!(
            pinned.notices.as_slice(),
            [Notice::Unmanaged { object, .. }] if object.id.as_deref() == Some(CON)
        ),
        "{:#?}",
        pinned.notices
    );
}

#[test]
fn a_pin_to_a_missing_object_is_an_error_not_a_create() {
    let mut desired = quickstart();
    let missing = "ccccccccccccccccccccccc9";
    desired.connectors.get_mut("th").unwrap().id = TagoId::parse(missing);
    let error = plan(&desired, &quickstart_live(), now()).unwrap_err();
    assert_eq!(
        error.errors,
        [IdentityError::PinnedObjectMissing {
            kind: ObjectKind::Connector,
            key: "th".into(),
            profile: "prod".into(),
            id: missing.into(),
            origin: origin(30),
        }]
    );
    assert_eq!(
        error.to_string(),
        format!(
            "tagoform.yaml:30:5: connector `th` is pinned to id {missing}, which is not a \
             connector of profile `prod`; fix the `id:` or remove it to match by name"
        )
    );
    // In a profile this plan creates, no pin can be right either.
    let in_new_profile = plan(&desired, &LiveSnapshot::default(), now()).unwrap_err();
    assert!(matches!(
        in_new_profile.errors.as_slice(),
        [IdentityError::PinnedObjectMissing { key, .. }] if key == "th"
    ));

    // A tombstone whose pinned object is already gone asks for nothing.
    desired.connectors.get_mut("th").unwrap().delete = true;
    let gone = plan(&desired, &quickstart_live(), now()).unwrap();
    assert!(
        !gone
            .operations
            .iter()
            .any(|op| matches!(&op.kind, OperationKind::DeleteObject { .. })),
        "{:#?}",
        gone.operations
    );
}

#[test]
fn a_pinned_tombstone_deletes_only_the_pinned_object() {
    let mut desired = quickstart();
    let th = desired.connectors.get_mut("th").unwrap();
    th.id = TagoId::parse(CON2);
    th.delete = true;
    let plan = plan(&desired, &two_connectors_named_alike(), now()).unwrap();
    let deleted: Vec<Option<&str>> = plan
        .operations
        .iter()
        .filter_map(|op| match &op.kind {
            OperationKind::DeleteObject { object, .. } => Some(object.id.as_deref()),
            _ => None,
        })
        .collect();
    assert_eq!(deleted, [Some(CON2)]);
}

#[test]
fn a_pinned_object_with_another_name_is_renamed_in_place() {
    let mut desired = quickstart();
    let th = desired.connectors.get_mut("th").unwrap();
    th.id = TagoId::parse(CON);
    th.name = "ACME TH v2".into();
    let plan = plan(&desired, &quickstart_live(), now()).unwrap();
    assert!(
        matches!(
            plan.operations.as_slice(),
            [Operation { kind: OperationKind::UpdateObject { object, networks: None, .. }, changes, .. }]
                if object.id.as_deref() == Some(CON)
                    && changes == &[FieldChange::new("name", Some(json!("ACME TH")), json!("ACME TH v2"))]
        ),
        "{:#?}",
        plan.operations
    );
    assert!(plan.notices.is_empty(), "{:#?}", plan.notices);
}
