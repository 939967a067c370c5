//! The diff of networks and connectors, tested with plain values: fields, shares,
//! publication, unmanaged objects, deletions and pins.

use std::path::PathBuf;

use serde_json::json;

use super::tests::*;
use super::*;
use crate::config::{Member, Publish, Script, TagoId, Version};
use crate::live::{LiveSnapshot, ObjectKind};

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
        update_existing: false,
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
            other_entry: None,
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

/// The kind's declared list and the model's fields are one: every field a network or
/// connector can set reaches the plan, under a name the list declares, and nothing else does.
/// A new field that is declared in only one of the two fails here.
#[test]
fn every_field_the_model_holds_is_planned_under_a_declared_name() {
    use crate::config::{
        ConnectorFields, DeviceParameter, Integration, NetworkFields, SerialNumber,
    };
    fn fill<F>(object: &mut Integration<F>) {
        let text = || Some("x".to_owned());
        object.description = text();
        object.logo_url = text();
        object.device_parameters = Some(vec![DeviceParameter {
            name: "p".into(),
            label: None,
            kind: None,
            default: None,
            group: None,
            options: None,
        }]);
        let script = || {
            Some(Script {
                text: "//".into(),
                file: None,
            })
        };
        object.payload_encoder = script();
        object.payload_decoder = script();
    }
    let mut network = network("n", "p", "n");
    fill(&mut network);
    network.own = NetworkFields {
        icon_url: Some("x".into()),
        banner_url: Some("x".into()),
        middleware_endpoint: Some("x".into()),
        documentation_url: Some("x".into()),
        serial_number: Some(SerialNumber::default()),
        require_devices_access: Some(true),
    };
    let mut connector = connector("c", "p", "c", &["n"]);
    fill(&mut connector);
    connector.own = ConnectorFields {
        install_text: Some("x".into()),
        install_end_text: Some("x".into()),
        device_annotation: Some("x".into()),
        ..connector.own
    };
    let sorted = |kind: ObjectKind| {
        let mut names = kind.managed_fields().to_vec();
        names.sort_unstable();
        names
    };
    // The five both kinds have, and every field of `own` (a connector's networks aside).
    let held = |own: serde_json::Value| {
        let own = own
            .as_object()
            .map(|own| own.keys().filter(|k| *k != "networks").count());
        5 + own.unwrap_or_default()
    };
    let cases = [
        (
            ObjectKind::Network,
            objects::configured_fields(&network),
            serde_json::to_value(&network.own).unwrap(),
        ),
        (
            ObjectKind::Connector,
            objects::configured_fields(&connector),
            serde_json::to_value(&connector.own).unwrap(),
        ),
    ];
    for (kind, planned, own) in cases {
        let names: Vec<&str> = planned.keys().copied().collect();
        assert_eq!(names, sorted(kind), "{kind}");
        assert_eq!(planned.len(), held(own), "{kind}");
    }
}
