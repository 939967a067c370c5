//! The model the plan consumes, read from the examples: values, the "left out" / "empty"
//! difference, resolved scripts and recipients, and the exact origin of every item.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use tagoform::config::{
    self, Desired, Expiry, LoadOptions, NetworkTarget, Origin, Period, PeriodUnit, Permission,
    Recipient, Service, TagoId,
};

fn options(today: &str) -> LoadOptions {
    LoadOptions {
        today: NaiveDate::parse_from_str(today, "%Y-%m-%d").expect("date"),
    }
}

fn multi_customer() -> Desired {
    let loaded = config::load_with(Path::new("examples/multi-customer"), &options("2026-11-22"))
        .expect("load");
    assert_eq!(loaded.diagnostics, vec![]);
    assert_eq!(
        loaded.files,
        [
            PathBuf::from("examples/multi-customer/northwind.yaml"),
            PathBuf::from("examples/multi-customer/profiles.yaml"),
        ]
    );
    loaded.desired.expect("valid")
}

fn at(file: &str, line: usize, column: usize) -> Origin {
    Origin {
        file: PathBuf::from(format!("examples/multi-customer/{file}")),
        line,
        column,
    }
}

fn id(text: &str) -> TagoId {
    TagoId::parse(text).expect("id")
}

#[test]
fn lists_left_out_are_not_managed_and_empty_lists_mean_none() {
    let desired = multi_customer();
    assert_eq!(desired.profiles["acme-staging"].team, None);
    assert_eq!(desired.profiles["acme-staging"].tokens, None);
    assert_eq!(desired.profiles["initech"].team, Some(vec![]));
    let acme = &desired.profiles["acme"];
    let team: Vec<(&str, &Origin)> = acme
        .team
        .iter()
        .flatten()
        .map(|m| (m.email.as_str(), &m.origin))
        .collect();
    assert_eq!(
        team,
        [
            ("alice@acme.example", &at("profiles.yaml", 43, 9)),
            ("bob@acme.example", &at("profiles.yaml", 44, 9)),
        ]
    );
}

#[test]
fn profiles_carry_their_settings_and_tokens() {
    let desired = multi_customer();
    assert_eq!(
        desired.profiles.keys().collect::<Vec<_>>(),
        ["acme", "acme-staging", "initech", "northwind"]
    );
    let northwind = &desired.profiles["northwind"];
    assert_eq!(northwind.name, "Northwind IoT");
    assert_eq!(northwind.id, None);
    assert_eq!(
        northwind.logo_url.as_deref(),
        Some("https://northwind.example/logo.png")
    );
    assert_eq!(northwind.token_env, None);
    assert!(!northwind.exclusive && !northwind.delete);
    assert_eq!(northwind.origin, at("profiles.yaml", 14, 3));
    assert_eq!(northwind.field_origins["name"], at("profiles.yaml", 15, 11));
    let tokens: Vec<(&str, Permission, Expiry, &Origin)> = northwind
        .tokens
        .iter()
        .flatten()
        .map(|t| (t.name.as_str(), t.permission, t.expires, &t.origin))
        .collect();
    assert_eq!(
        tokens,
        [
            (
                "ci-deploy",
                Permission::Write,
                Expiry::Never,
                &at("profiles.yaml", 29, 9)
            ),
            (
                "grafana-readonly",
                Permission::Read,
                Expiry::Period(Period {
                    amount: 90,
                    unit: PeriodUnit::Days
                }),
                &at("profiles.yaml", 32, 9)
            ),
        ]
    );
    // Only the services the YAML names are managed.
    assert_eq!(
        desired.profiles["acme"].allocation,
        Some(
            [
                (Service::Input, 400_000),
                (Service::DataRecords, 2_000_000),
                (Service::Sms, 40)
            ]
            .into()
        )
    );
    assert_eq!(desired.profiles["acme-staging"].allocation, None);
    assert_eq!(desired.profiles["acme"].addons, None);
    let dashboard = &desired.profiles["acme"].tokens.as_ref().expect("tokens")[0];
    assert_eq!(dashboard.expires.api_value(), "2030-12-31");
    assert_eq!(tokens[1].2.api_value(), "90 days");
}

#[test]
fn networks_resolve_decoder_files_and_recipients() {
    let desired = multi_customer();
    let network = &desired.networks["northwind-lorawan"];
    assert_eq!(network.profile, "northwind");
    assert_eq!(network.name, "Northwind LoRaWAN");
    let decoder = network.payload_decoder.as_ref().expect("decoder");
    let path = PathBuf::from("examples/multi-customer/decoders/northwind-lorawan.js");
    assert_eq!(
        decoder.text,
        std::fs::read_to_string(&path).expect("decoder file")
    );
    assert_eq!(decoder.file, Some(path));
    assert_eq!(network.payload_encoder, None);
    assert_eq!(network.own.icon_url, None);
    let serial = network.own.serial_number.as_ref().expect("serial number");
    assert_eq!(serial.label.as_deref(), Some("DevEUI"));
    assert_eq!(serial.required, Some(true));
    let shares: Vec<(&str, &Recipient, usize)> = network
        .shared_with
        .iter()
        .flatten()
        .map(|t| (t.key.as_str(), &t.recipient, t.origin.column))
        .collect();
    let globex = Recipient::External(id("64f1c2a9e3b1d40012ab34cd"));
    let labs = Recipient::External(id("64f1c2a9e3b1d40012ab56ef"));
    assert_eq!(
        shares,
        [
            ("acme", &Recipient::Profile, 19),
            ("acme-staging", &Recipient::Profile, 25),
            ("initech", &Recipient::Profile, 39),
            ("globex", &globex, 48),
            ("globex-labs", &labs, 56),
        ]
    );
    assert_eq!(
        network.publish.as_ref().map(|p| &p.origin),
        Some(&at("northwind.yaml", 28, 5))
    );
    assert_eq!(desired.networks_of("northwind").count(), 1);
    assert_eq!(desired.networks_of("acme").count(), 0);
}

#[test]
fn connectors_keep_networks_parameters_and_tombstones() {
    let desired = multi_customer();
    let sensor = &desired.connectors["acme-th-sensor"];
    assert_eq!(
        sensor
            .own
            .networks
            .iter()
            .map(|n| (&n.target, &n.origin))
            .collect::<Vec<_>>(),
        [(
            &NetworkTarget::Configured("northwind-lorawan".into()),
            &at("northwind.yaml", 42, 16)
        )]
    );
    let parameters = sensor.device_parameters.as_ref().expect("parameters");
    assert_eq!(parameters[0].default, Some(serde_json::json!(600)));
    assert_eq!(
        parameters[1].options,
        Some(vec![
            serde_json::json!("celsius"),
            serde_json::json!("fahrenheit")
        ])
    );
    assert_eq!(
        sensor.own.install_end_text.as_deref(),
        Some("The sensor sends its first reading within 10 minutes.")
    );
    let tracker = &desired.connectors["northwind-tracker"];
    let publish = tracker.publish.as_ref().expect("publish");
    assert_eq!(
        publish.message.as_deref(),
        Some("Please list the Northwind Tracker publicly; it works on Northwind LoRaWAN.")
    );
    assert_eq!(
        publish.folders,
        Some(("northwind".to_owned(), "tracker".to_owned()))
    );
    assert_eq!(publish.version.to_string(), "v1.0.0");
    assert_eq!(
        publish
            .images
            .iter()
            .map(|i| (i.role, i.width, i.height))
            .collect::<Vec<_>>(),
        [(tagoform::config::ImageRole::Logo, 443, 443)]
    );
    assert_eq!(
        publish.description.as_deref(),
        Some("GPS asset tracker with a motion sensor, on Northwind's LoRaWAN network server.\n")
    );
    let legacy = &desired.connectors["legacy-gps"];
    assert!(legacy.delete);
    assert_eq!(legacy.own.networks, vec![]);
    assert_eq!(legacy.shared_with, None);
    assert_eq!(desired.connectors_of("northwind").count(), 3);
}

#[test]
fn expiry_dates_are_checked_against_the_given_day() {
    let folder = Path::new("tests/fixtures/config/invalid/tokens");
    let today = config::load_with(folder, &options("2026-11-22")).expect("load");
    let past = |loaded: &config::Loaded| {
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("not in the future"))
            .count()
    };
    assert_eq!(past(&today), 1);
    let long_ago = config::load_with(folder, &options("2020-01-30")).expect("load");
    assert_eq!(past(&long_ago), 0);
    let same_day = config::load_with(folder, &options("2020-01-31")).expect("load");
    assert_eq!(past(&same_day), 1);
}

#[test]
fn a_public_network_by_id_satisfies_shares_and_publication() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("tagoform.yaml");
    std::fs::write(
        &path,
        "version: 1
external_profiles:
  globex: 64f1c2a9e3b1d40012ab34cd
profiles:
  acme:
    name: ACME
connectors:
  acme-th-sensor:
    profile: acme
    name: ACME TH Sensor
    networks: [{id: 5f0e1d2c3b4a596877665544}]
    shared_with: [globex]
    payload_decoder: \"// decoder\"
    publish: {manufacturer: acme, model: th-sensor, version: v1.0.0, logo_file: logo.png}
",
    )
    .expect("write");
    std::fs::copy(
        "examples/multi-customer/publish/tracker-logo.png",
        dir.path().join("logo.png"),
    )
    .expect("logo");
    let loaded = config::load(&path).expect("load");
    assert_eq!(loaded.diagnostics, vec![]);
    let desired = loaded.desired.expect("valid");
    assert_eq!(
        desired.connectors["acme-th-sensor"].own.networks[0].target,
        NetworkTarget::Public(id("5f0e1d2c3b4a596877665544"))
    );
}
