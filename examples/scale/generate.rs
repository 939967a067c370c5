//! The generated world of the scale benchmark: a configuration of a given size (YAML files,
//! loaded with `config::load` as a user's would be) and the emulator seed it runs against.
//!
//! Shape, per managed profile `cNNNN`: `members` team members (the same `members` accounts
//! on every team), `networks` networks, `connectors` connectors (each on one of the
//! profile's networks, or on a public network when there are none), and `shares` shares in
//! all, dealt round-robin over its objects to external profiles of a partner account. Ten
//! decoders of about 3 KB are reused by every object, as an integrator reuses them.

use std::fmt::Write as _;
use std::path::Path;

use tagoform::api::types::Permission;
use tagoform::emulator::seed::{Seed, SeedAccount, SeedProfile, SeedToken, LORAWAN_TTN_ID};

/// The integrator's email and password (the account tagoform manages).
pub const EMAIL: &str = "integrator@scale.example";
pub const PASSWORD: &str = "scale-password";
/// A full token of the integrator's own profile: the account token tagoform is given.
pub const ACCOUNT_TOKEN: &str = "5ca1e000-0000-4000-8000-000000000001";
/// The integrator's own profile, whose rate-limit buckets account routes count against.
pub const MAIN_PROFILE_ID: &str = "5c0000000000000000000001";
/// How many distinct decoders the objects share.
pub const DECODERS: usize = 10;

/// The size of a generated configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub profiles: usize,
    pub members: usize,
    pub connectors: usize,
    pub networks: usize,
    pub shares: usize,
}

impl Size {
    /// Objects (networks and connectors) of one profile.
    pub fn objects(&self) -> usize {
        self.networks + self.connectors
    }

    /// How many external profiles the shares go to: enough that no object is shared twice
    /// with the same one.
    pub fn externals(&self) -> usize {
        if self.shares == 0 {
            return 0;
        }
        self.shares.div_ceil(self.objects().max(1)).max(1)
    }

    /// The external profiles an object (index `object` of profile `profile`) is shared with,
    /// as indexes into the external profiles.
    pub fn recipients(&self, profile: usize, object: usize) -> Vec<usize> {
        let objects = self.objects();
        if objects == 0 {
            return Vec::new();
        }
        let externals = self.externals();
        (0..self.shares)
            .filter(|share| share % objects == object)
            .map(|share| (share / objects + profile) % externals)
            .collect()
    }
}

pub fn profile_key(index: usize) -> String {
    format!("c{index:04}")
}

pub fn profile_name(index: usize) -> String {
    format!("Customer {index:04}")
}

pub fn member_email(index: usize) -> String {
    format!("member{index:03}@scale.example")
}

pub fn external_id(index: usize) -> String {
    format!("5f{index:022x}")
}

fn network_key(profile: usize, index: usize) -> String {
    format!("{}-net-{index}", profile_key(profile))
}

fn connector_key(profile: usize, index: usize) -> String {
    format!("{}-con-{index}", profile_key(profile))
}

/// A decoder of about 3 KB, different for each `variant`.
pub fn decoder(variant: usize) -> String {
    let mut text = format!("// Decoder variant {variant}: parses the sensor's uplink.\n");
    text.push_str("function decode(bytes, port) {\n  const out = [];\n");
    for field in 0..48 {
        let _ = writeln!(
            text,
            "  out.push({{ variable: \"field_{variant}_{field:02}\", value: ((bytes[{field}] << 8) | bytes[{}]) / {}.0 }});",
            field + 1,
            field % 7 + 1
        );
    }
    text.push_str("  return out;\n}\n\npayload = payload.concat(decode(Buffer.from(payload.find(x => x.variable === \"payload\").value, \"hex\")));\n");
    text
}

/// Writes the configuration of `size` into one folder under `root`, as a user keeps it: the
/// external profiles, the decoders, and one file per profile. Returns the folder, which both
/// `config::load` and the `tagoform` binary read whole (about 265 YAML nodes per profile:
/// 5,000 profiles stay under the loader's `MAX_NODES`).
pub fn write_config(root: &Path, size: &Size) -> std::io::Result<std::path::PathBuf> {
    let folder = root.join("tagoio");
    std::fs::create_dir_all(folder.join("decoders"))?;
    for variant in 0..DECODERS {
        std::fs::write(
            folder.join(format!("decoders/d{variant}.js")),
            decoder(variant),
        )?;
    }
    std::fs::write(folder.join("externals.yaml"), externals_yaml(size))?;
    for profile in 0..size.profiles {
        std::fs::write(
            folder.join(format!("{}.yaml", profile_key(profile))),
            profile_yaml(size, profile),
        )?;
    }
    Ok(folder)
}

fn externals_yaml(size: &Size) -> String {
    let mut text = String::from("version: 1\n");
    if size.externals() > 0 {
        text.push_str("external_profiles:\n");
        for external in 0..size.externals() {
            let _ = writeln!(text, "  x{external:02}: {}", external_id(external));
        }
    }
    text
}

/// One customer profile and everything it owns.
pub fn profile_yaml(size: &Size, profile: usize) -> String {
    let key = profile_key(profile);
    let mut text = format!(
        "version: 1\nprofiles:\n  {key}:\n    name: {}\n    team:",
        profile_name(profile)
    );
    if size.members == 0 {
        text.push_str(" []\n");
    } else {
        text.push('\n');
        for member in 0..size.members {
            let _ = writeln!(text, "      - {}", member_email(member));
        }
    }
    let shares = |text: &mut String, object: usize| {
        let recipients = size.recipients(profile, object);
        let list: Vec<String> = recipients.iter().map(|r| format!("x{r:02}")).collect();
        let _ = writeln!(text, "    shared_with: [{}]", list.join(", "));
    };
    if size.networks > 0 {
        text.push_str("networks:\n");
        for network in 0..size.networks {
            let _ = writeln!(
                text,
                "  {}:\n    profile: {key}\n    name: {} Network {network}\n    description: Network {network} of customer {profile}\n    payload_decoder_file: decoders/d{}.js",
                network_key(profile, network),
                profile_name(profile),
                (profile + network) % DECODERS
            );
            shares(&mut text, network);
        }
    }
    if size.connectors > 0 {
        text.push_str("connectors:\n");
        for connector in 0..size.connectors {
            let network = if size.networks > 0 {
                network_key(profile, connector % size.networks)
            } else {
                LORAWAN_TTN_ID.to_owned()
            };
            let _ = writeln!(
                text,
                "  {}:\n    profile: {key}\n    name: {} Sensor {connector}\n    description: Sensor model {connector} of customer {profile}\n    networks: [{network}]\n    payload_decoder_file: decoders/d{}.js",
                connector_key(profile, connector),
                profile_name(profile),
                (profile + connector + 3) % DECODERS
            );
            shares(&mut text, size.networks + connector);
        }
    }
    text
}

/// The emulator's seed: the integrator (its own profile and account token; the customer
/// profiles are for `apply` to create), `members` accounts to invite, and a partner account
/// owning the external profiles.
pub fn seed(size: &Size) -> Seed {
    let account = |id: String, email: String, name: String, profiles| SeedAccount {
        id: Some(id),
        email,
        password: PASSWORD.into(),
        name,
        two_factor: false,
        totp_secret: None,
        otp_types: Vec::new(),
        profiles,
    };
    let mut accounts = vec![account(
        "5c00000000000000000000aa".to_owned(),
        EMAIL.to_owned(),
        "Integrator".to_owned(),
        vec![SeedProfile {
            name: "Integrator".to_owned(),
            id: Some(MAIN_PROFILE_ID.to_owned()),
            tokens: vec![SeedToken {
                name: "scale benchmark".to_owned(),
                permission: Permission::Full,
                token: ACCOUNT_TOKEN.into(),
                expire_time: None,
            }],
        }],
    )];
    for member in 0..size.members {
        accounts.push(account(
            format!("5d{member:022x}"),
            member_email(member),
            format!("Member {member}"),
            Vec::new(),
        ));
    }
    let externals = (0..size.externals())
        .map(|external| SeedProfile {
            name: format!("Partner {external:02}"),
            id: Some(external_id(external)),
            tokens: Vec::new(),
        })
        .collect();
    accounts.push(account(
        "5e00000000000000000000aa".to_owned(),
        "partner@scale.example".to_owned(),
        "Partner".to_owned(),
        externals,
    ));
    Seed { accounts }
}
