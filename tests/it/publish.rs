//! `tagoform publish`: the contribution to `tago-io/decoders`, written into a clone
//! (`tests/fixtures/decoders-clone`, the repository's schemas and one public network), checked
//! here with the repository's own JSON schemas, its id rule, and its layout.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::support::emulator::TTN;
use super::support::world::*;

/// `printf %s 'field-lorawan-v1.0.0' | md5sum`, first 24 hex digits.
const NETWORK_ID: &str = "27ae05d8d09f4e429f73e9d4";
/// `printf %s 'connector:fieldth-sensor-v1.0.0' | md5sum`.
const CONNECTOR_ID: &str = "daee92c5a77244baf66a1683";
/// `printf %s 'connector:fieldth-sensor-v1.0.1' | md5sum`.
const CONNECTOR_ID_NEXT: &str = "c07256f899d28628ec2f28fb";

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn yaml(network_publish: bool) -> String {
    let publish = if network_publish {
        "    publish:\n      version: v1.0.0\n      logo_file: network-logo.png\n      description_file: network.md\n"
    } else {
        ""
    };
    format!(
        acme_config!("networks:
  field:
    profile: acme
    name: Field LoRaWAN
    description: A private LoRaWAN network server
    payload_decoder_file: network.js
{publish}connectors:
  th:
    profile: acme
    name: Field TH Sensor
    description: Temperature and humidity
    networks: [field, {{id: 5f46679034e73f002833025b}}]
    payload_decoder_file: th.js
    install_text: Scan the QR code.
    device_parameters:
      - {{name: unit, label: Unit, type: dropdown, default: celsius, options: [celsius, fahrenheit]}}
      - {{name: interval, type: number, default: 600}}
    publish:
      manufacturer: field
      model: th-sensor
      version: v1.0.0
      logo_file: th-logo.png
"), publish = publish
    )
}

/// A world with the configuration, its images and decoders, and a clone in `clone/`.
fn setup(world: &World, network_publish: bool) {
    world.write("tagoform.yaml", &yaml(network_publish));
    world.write("network.js", "// network decoder\n");
    world.write("th.js", "// th decoder v1\n");
    world.write("network.md", "A private LoRaWAN network server.\n");
    let images = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-customer/publish");
    std::fs::copy(
        images.join("lorawan-logo.png"),
        world.path("network-logo.png"),
    )
    .unwrap();
    std::fs::copy(images.join("tracker-logo.png"), world.path("th-logo.png")).unwrap();
    copy_dir(
        &Path::new(FIXTURES).join("decoders-clone"),
        &world.path("clone"),
    );
}

/// Every file under `dir`, by path relative to it, with its bytes (a link or a FIFO by what
/// it is; folders that are links are not entered).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let kind = std::fs::symlink_metadata(&path).unwrap().file_type();
            let relative = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                files.insert(relative, std::fs::read(&path).unwrap());
            } else {
                // A link or a FIFO: what it is, never what reading it would give.
                let target = std::fs::read_link(&path).unwrap_or_default();
                files.insert(relative, format!("-> {}", target.display()).into_bytes());
            }
        }
    }
    files
}

async fn publish(world: &World) -> Run {
    world
        .run_as_given(&["publish", ".", "--decoders-repo", "clone"])
        .await
}

fn schema(name: &str) -> Value {
    let text =
        std::fs::read_to_string(Path::new(FIXTURES).join("decoders-clone/schema").join(name))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The file, parsed as strict JSON (the repository reads `.jsonc` with `JSON.parse`), its
/// `$schema` key checked and removed, and validated against the repository's schema.
fn assert_valid(world: &World, path: &str, schema_name: &str, schema_path: &str) -> Value {
    let text = world.read(&format!("clone/{path}"));
    let mut value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let declared = value.as_object_mut().unwrap().remove("$schema");
    assert_eq!(declared, Some(Value::from(schema_path)), "{path}");
    // `$schema` points at the schema from the file's folder.
    let folder = Path::new(path).parent().unwrap();
    let resolved = std::path::absolute(world.path("clone").join(folder).join(schema_path)).unwrap();
    assert!(resolved.exists(), "{path}: {}", resolved.display());
    let validator = jsonschema::validator_for(&schema(schema_name)).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{path}: {errors:?}");
    value
}

#[tokio::test]
async fn a_connector_on_a_custom_network_waits_for_the_network_to_be_published() {
    let world = World::start().await;
    setup(&world, false);
    let before = tree(&world.path("clone"));
    let run = publish(&world).await;
    run.code(1);
    assert!(
        run.stderr.starts_with(
            "tagoform.yaml:16:16: error: connector `th` is to be published, but its network \
             `field` is not: whoever uses a public connector needs its networks\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("help: publish network `field` first"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&world.path("clone")), before);
}

#[tokio::test]
async fn the_written_tree_follows_the_repository_schemas_ids_and_layout() {
    let world = World::start().await;
    setup(&world, true);
    let run = publish(&world).await;
    run.code(0);
    assert_eq!(
        run.stdout,
        format!(
            "network `field`: decoders/network/field-lorawan/v1.0.0 (new version), catalog id {NETWORK_ID}
  wrote decoders/network/field-lorawan/network.jsonc
  wrote decoders/network/field-lorawan/description.md
  wrote decoders/network/field-lorawan/assets/logo.png
  wrote decoders/network/field-lorawan/v1.0.0/payload-config.jsonc
  wrote decoders/network/field-lorawan/v1.0.0/payload.js
  wrote decoders/network/field-lorawan/v1.0.0/payload.test.ts
connector `th`: decoders/connector/field/th-sensor/v1.0.0 (new version), catalog id {CONNECTOR_ID}
  wrote decoders/connector/field/th-sensor/connector.jsonc
  wrote decoders/connector/field/th-sensor/description.md
  wrote decoders/connector/field/th-sensor/assets/logo.png
  wrote decoders/connector/field/th-sensor/v1.0.0/payload-config.jsonc
  wrote decoders/connector/field/th-sensor/v1.0.0/payload.js
  wrote decoders/connector/field/th-sensor/v1.0.0/payload.test.ts

Next, in clone: run the repository's checks, then commit and open the pull request:
  npm ci
  npm run linter
  npx vitest run decoders/network/field-lorawan decoders/connector/field/th-sensor
  npm start validator
  npm start generate
"
        )
    );
    let network = assert_valid(
        &world,
        "decoders/network/field-lorawan/network.jsonc",
        "network.json",
        "../../../schema/network.json",
    );
    assert_eq!(network["name"], "Field LoRaWAN");
    assert_valid(
        &world,
        "decoders/network/field-lorawan/v1.0.0/payload-config.jsonc",
        "network_details.json",
        "../../../../schema/network_details.json",
    );
    let connector = assert_valid(
        &world,
        "decoders/connector/field/th-sensor/connector.jsonc",
        "connector.json",
        "../../../../schema/connector.json",
    );
    assert_eq!(
        connector["versions"],
        serde_json::json!({"v1.0.0": {"src": "./v1.0.0/payload.js", "manifest": "./v1.0.0/payload-config.jsonc"}})
    );
    let details = assert_valid(
        &world,
        "decoders/connector/field/th-sensor/v1.0.0/payload-config.jsonc",
        "connector_details.json",
        "../../../../../schema/connector_details.json",
    );
    // The networks by their path in the repository: the published one, and the public one
    // found by its catalog id; each is a file there.
    assert_eq!(
        details["networks"],
        serde_json::json!([
            "../../../../network/field-lorawan/v1.0.0/payload.js",
            "../../../../network/lorawan-ttittn-v3/v1.0.0/payload.js"
        ])
    );
    for network in details["networks"].as_array().unwrap() {
        let relative = network.as_str().unwrap().replace("../", "");
        assert!(
            world.path("clone/decoders").join(relative).is_file(),
            "{network}"
        );
    }
    // The repository's model: defaults as strings, options as objects.
    assert_eq!(
        details["device_parameters"],
        serde_json::json!([
            {"name": "unit", "type": "dropdown", "label": "Unit", "group": "main", "default": "celsius",
             "options": [{"label": "celsius", "value": "celsius", "is_default": true},
                         {"label": "fahrenheit", "value": "fahrenheit", "is_default": false}]},
            {"name": "interval", "type": "number", "group": "main", "default": "600"}
        ])
    );
    assert_eq!(details["install_text"], "Scan the QR code.");
    assert_eq!(
        world.read("clone/decoders/connector/field/th-sensor/description.md"),
        "Temperature and humidity"
    );
    assert_eq!(
        world.read("clone/decoders/connector/field/th-sensor/v1.0.0/payload.js"),
        "// th decoder v1\n"
    );
    let test = world.read("clone/decoders/connector/field/th-sensor/v1.0.0/payload.test.ts");
    assert!(test.contains("describe(\"Shall not be parsed\""), "{test}");
    assert!(
        test.contains("from \"../../../../../src/functions/decoder-run\""),
        "{test}"
    );
    assert!(
        test.contains(
            "const file_path = \"decoders/connector/field/th-sensor/v1.0.0/payload.js\";"
        ),
        "{test}"
    );
    let network_test = world.read("clone/decoders/network/field-lorawan/v1.0.0/payload.test.ts");
    assert!(
        network_test.contains("from \"../../../../src/functions/decoder-run\""),
        "{network_test}"
    );
}

#[tokio::test]
async fn publishing_again_writes_nothing_and_a_changed_decoder_is_a_new_version() {
    let world = World::start().await;
    setup(&world, true);
    publish(&world).await.code(0);
    let first = tree(&world.path("clone"));

    let again = publish(&world).await;
    again.code(0);
    assert_eq!(
        again.stdout,
        format!(
            "network `field`: decoders/network/field-lorawan/v1.0.0 (unchanged), catalog id {NETWORK_ID}
connector `th`: decoders/connector/field/th-sensor/v1.0.0 (unchanged), catalog id {CONNECTOR_ID}
Nothing written: the clone has all of it already.
"
        )
    );
    assert_eq!(tree(&world.path("clone")), first);

    world.write("th.js", "// th decoder v2\n");
    let changed = publish(&world).await;
    changed.code(0);
    assert!(
        changed.stdout.contains(&format!(
            "connector `th`: decoders/connector/field/th-sensor/v1.0.1 (new version), catalog id {CONNECTOR_ID_NEXT}\n"
        )),
        "{}",
        changed.stdout
    );
    assert!(
        changed.stdout.contains(
            "  note: `publish.version` says v1.0.0; the clone now has v1.0.1: set it to v1.0.1 so that `plan` follows this version\n"
        ),
        "{}",
        changed.stdout
    );
    let second = tree(&world.path("clone"));
    // v1.0.0 stays byte for byte; the network, unchanged, is not written again.
    for (path, bytes) in &first {
        if path.contains("/v1.0.0/") || path.contains("field-lorawan") {
            assert_eq!(second.get(path), Some(bytes), "{path}");
        }
    }
    assert_eq!(
        world.read("clone/decoders/connector/field/th-sensor/v1.0.1/payload.js"),
        "// th decoder v2\n"
    );
    let manifest: Value = serde_json::from_str(
        &world.read("clone/decoders/connector/field/th-sensor/connector.jsonc"),
    )
    .unwrap();
    assert_eq!(
        manifest["versions"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["v1.0.1"]
    );
    // And once more: the newest version has it all, nothing is written.
    publish(&world).await.code(0);
    assert_eq!(tree(&world.path("clone")), second);
}

#[tokio::test]
async fn hostile_publications_are_refused_where_the_yaml_says_them_and_nothing_is_written() {
    let world = World::start().await;
    copy_dir(
        &Path::new(FIXTURES).join("config/invalid/publish-hostile"),
        &world.path("config"),
    );
    copy_dir(
        &Path::new(FIXTURES).join("decoders-clone"),
        &world.path("clone"),
    );
    let before = tree(&world.path("clone"));
    let run = world
        .run_as_given(&["publish", "config", "--decoders-repo", "clone"])
        .await;
    run.code(1);
    for located in [
        "tagoform.yaml:25:27: error: the decoder of connector `acme-th-sensor` has 65004 bytes",
        "tagoform.yaml:38:14: error: `publish.model` must be a folder name of the repository, not `../../network/evil`",
        "tagoform.yaml:40:18: error: image file `fake.png` cannot be used: it is not a PNG",
    ] {
        assert!(run.stderr.contains(located), "{located}\n{}", run.stderr);
    }
    assert_eq!(tree(&world.path("clone")), before);
}

#[tokio::test]
async fn a_folder_that_is_not_a_clone_is_refused() {
    let world = World::start().await;
    setup(&world, true);
    let run = world
        .run_as_given(&["publish", ".", "--decoders-repo", "elsewhere"])
        .await;
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: `elsewhere` is not a clone of tago-io/decoders (no `decoders/` and `schema/` folders); pass the folder of your clone to --decoders-repo\n"
    );
}

#[tokio::test]
async fn a_link_in_the_clone_cannot_carry_a_write_elsewhere() {
    let world = World::start().await;
    setup(&world, true);
    std::fs::create_dir(world.path("outside")).unwrap();
    std::os::unix::fs::symlink(
        world.path("outside"),
        world.path("clone/decoders/connector/field"),
    )
    .unwrap();
    let run = publish(&world).await;
    run.code(1);
    assert!(
        run.stderr
            .contains("it leads out of the clone's decoders/ folder (a link?)"),
        "{}",
        run.stderr
    );
    assert!(tree(&world.path("outside")).is_empty());
    // Refused before anything was written: the network's folder is not there either.
    assert!(!world.path("clone/decoders/network/field-lorawan").exists());
}

#[tokio::test]
async fn a_targeted_connector_brings_the_network_version_it_names() {
    let world = World::start().await;
    setup(&world, true);
    let run = world
        .run_as_given(&["publish", ".", "--decoders-repo", "clone", "--target", "th"])
        .await;
    run.code(0);
    // The network is written too: the connector's payload-config names its v1.0.0.
    run.stdout_starts_with("network `field`: decoders/network/field-lorawan/v1.0.0 (new version)");
    assert!(world
        .path("clone/decoders/network/field-lorawan/v1.0.0/payload.js")
        .is_file());
}

/// The clone is someone else's repository: a file of it that links to a device or out of the
/// clone, or is a FIFO, is refused without being read (a FIFO would hang the command, a link
/// to `/dev/zero` read until memory runs out), naming the file; nothing is written.
#[tokio::test]
async fn files_of_the_clone_are_read_only_when_regular_bounded_and_inside_it() {
    let cases: [(&str, &str); 3] = [
        ("map-ids.json", "fifo"),
        (
            "decoders/network/lorawan-ttittn-v3/network.jsonc",
            "/dev/zero",
        ),
        ("package.json", "/etc/hostname"),
    ];
    for (file, what) in cases {
        let world = World::start().await;
        setup(&world, true);
        let path = world.path(&format!("clone/{file}"));
        std::fs::remove_file(&path).unwrap();
        if what == "fifo" {
            let made = std::process::Command::new("mkfifo").arg(&path).status();
            assert!(made.unwrap().success());
        } else {
            std::os::unix::fs::symlink(what, &path).unwrap();
        }
        let before = tree(&world.path("clone/decoders"));
        let run = publish(&world).await;
        if file == "package.json" {
            // Read only to name the checks to run: a link out of the clone is not followed,
            // and npm's checks are named.
            run.code(0);
            assert!(run.stdout.contains("  npm ci\n"), "{}", run.stdout);
            continue;
        }
        run.code(1);
        let reason = if what == "fifo" {
            "it is not a regular file (a device, a FIFO, a socket or a folder): refused without reading"
        } else {
            "it links out of the clone: refused without reading"
        };
        assert!(
            run.stderr
                .contains(&format!("cannot read `clone/{file}`: {reason}")),
            "{file}: {}",
            run.stderr
        );
        assert_eq!(tree(&world.path("clone/decoders")), before, "{file}");
    }
}

/// A clone whose `decoders/` is itself a link is refused before any write: the folder it
/// points to stays empty.
#[tokio::test]
async fn a_clone_whose_decoders_folder_is_a_link_is_refused() {
    let world = World::start().await;
    setup(&world, true);
    std::fs::rename(world.path("clone/decoders"), world.path("elsewhere")).unwrap();
    std::os::unix::fs::symlink(world.path("elsewhere"), world.path("clone/decoders")).unwrap();
    let before = tree(&world.path("elsewhere"));
    let run = publish(&world).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: cannot write `clone/decoders`: it is a link; publish writes only into a real \
         decoders/ folder of the clone\n"
    );
    assert_eq!(tree(&world.path("elsewhere")), before);
}

/// A file of the clone hard-linked to one outside it is replaced, not written through: the
/// outside file keeps its bytes.
#[tokio::test]
async fn a_hard_link_in_the_clone_does_not_carry_a_write_outside() {
    let world = World::start().await;
    setup(&world, true);
    publish(&world).await.code(0);
    // The entry is this configuration's own, whatever its description now says.
    world.edit(
        "tagoform.yaml",
        "      description_file: network.md\n",
        "      description_file: network.md\n      update_existing: true\n",
    );
    let description = world.path("clone/decoders/network/field-lorawan/description.md");
    std::fs::write(world.path("outside.md"), "outside\n").unwrap();
    std::fs::remove_file(&description).unwrap();
    std::fs::hard_link(world.path("outside.md"), &description).unwrap();
    let run = publish(&world).await;
    run.code(0);
    assert!(
        run.stdout
            .contains("  wrote decoders/network/field-lorawan/description.md\n"),
        "{}",
        run.stdout
    );
    assert_eq!(world.read("outside.md"), "outside\n");
    assert_eq!(
        std::fs::read_to_string(&description).unwrap(),
        "A private LoRaWAN network server.\n"
    );
}

/// The largest patch number has no next one: a changed decoder at
/// `v1.0.18446744073709551615` is refused, where it wrapped to `v1.0.0` and rewrote it.
#[tokio::test]
async fn a_version_with_no_next_patch_is_refused_not_wrapped() {
    let world = World::start().await;
    setup(&world, true);
    let last = "v1.0.18446744073709551615";
    world.edit(
        "tagoform.yaml",
        "      version: v1.0.0\n      logo_file: th-logo.png",
        &format!("      version: {last}\n      logo_file: th-logo.png"),
    );
    publish(&world).await.code(0);
    world.write("th.js", "// th decoder v2\n");
    let before = tree(&world.path("clone/decoders"));
    let run = publish(&world).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: nothing was written to the clone\n  caused by: \
             `decoders/connector/field/th-sensor` has the version {last} in the clone, which has \
             no next patch version: set `publish.version` of th to a newer minor or major \
             version\n"
        )
    );
    assert_eq!(tree(&world.path("clone/decoders")), before);
}

/// Everything is checked before the first write: a connector file that cannot be written (a
/// file where its version folder goes) stops the run before the network is written.
#[tokio::test]
async fn a_file_that_cannot_be_written_stops_publish_before_any_write() {
    let world = World::start().await;
    setup(&world, true);
    world.write(
        "clone/decoders/connector/field/th-sensor/v1.0.0",
        "not a folder\n",
    );
    let before = tree(&world.path("clone/decoders"));
    let run = publish(&world).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: nothing was written to the clone\n  caused by: cannot write \
         `clone/decoders/connector/field/th-sensor/v1.0.0`: it is in the way of a folder \
         tagoform writes into\n"
    );
    assert_eq!(tree(&world.path("clone/decoders")), before);
    assert!(!world.path("clone/decoders/network/field-lorawan").exists());
}

/// `map-ids.json` is the clone's text: an id it maps to is printed escaped.
#[tokio::test]
async fn a_mapped_id_from_the_clone_is_printed_escaped() {
    let world = World::start().await;
    setup(&world, true);
    world.write(
        "clone/map-ids.json",
        // The TTI/TTN v3 line kept: the connector names that network by its mapped id.
        &format!(
            "{{\"872b18c89d95baef54cc90fc\": \"{TTN}\", \
             \"{NETWORK_ID}\": \"old\\u001b[2Jid\\nforged line\"}}"
        ),
    );
    let run = publish(&world).await;
    run.code(0);
    assert!(
        run.stdout
            .contains("catalog id old\\u{1b}[2Jid\\u{a}forged line\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains('\u{1b}'));
}

/// A private network named like a public catalog entry never takes that entry over: publish
/// refuses, naming the entry and both ways out, and writes nothing; with
/// `update_existing: true` (the entry is declared this configuration's own) it adds a version.
#[tokio::test]
async fn a_network_named_like_a_catalog_entry_does_not_take_it_over() {
    let world = World::start().await;
    setup(&world, true);
    world.edit(
        "tagoform.yaml",
        "name: Field LoRaWAN",
        "name: LoRaWAN TTI/TTN v3",
    );
    world.edit(
        "tagoform.yaml",
        "field, {id: 5f46679034e73f002833025b}",
        "field",
    );
    let before = tree(&world.path("clone/decoders"));
    let run = publish(&world).await;
    run.code(1);
    assert_eq!(
        run.stderr,
        "error: nothing was written to the clone\n  caused by: network `field`: the clone's \
         `decoders/network/lorawan-ttittn-v3` is the catalog entry `LoRaWAN TTI/TTN v3`, whose description or \
         images are not this configuration's; publish never takes an entry over because it has \
         the same name. To publish this network as an entry of its own, give it another name \
         (a network's folder is its name); if that entry is yours (published from this \
         configuration before), set `publish.update_existing: true` to add a version to it\n"
    );
    assert_eq!(tree(&world.path("clone/decoders")), before);

    world.edit(
        "tagoform.yaml",
        "      description_file: network.md\n",
        "      description_file: network.md\n      update_existing: true\n",
    );
    let run = publish(&world).await;
    run.code(0);
    assert!(
        run.stdout
            .contains("network `field`: decoders/network/lorawan-ttittn-v3/v1.0.1 (new version)"),
        "{}",
        run.stdout
    );
}
