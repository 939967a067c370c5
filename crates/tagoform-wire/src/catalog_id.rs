//! The catalog id rule of `tago-io/decoders` (`src/helpers/generate-id.ts`): the first 24
//! hex digits of the MD5 of `<normalized name>-<version>`, where a connector's normalized
//! name `<first word>-<rest>` becomes `connector:<first word><rest>`; then, when the
//! repository's `map-ids.json` maps that digest to an older id, the older id. The name is
//! the display name (`connector.jsonc`/`network.jsonc` `name`), the version its folder
//! (`v1.0.0`). A connector names its networks by folder, hashed as if it were a name.

use md5::{Digest, Md5};

/// The id, before `map-ids.json`, of a network or connector named `name` at `version` (its
/// folder, e.g. `v1.0.0`).
pub fn catalog_id(name: &str, version: &str, connector: bool) -> String {
    let mut normalized = normalize(name);
    if connector {
        let (manufacturer, model) = match normalized.split_once('-') {
            Some((manufacturer, model)) if !model.is_empty() => (manufacturer, model),
            _ => (normalized.as_str(), normalized.as_str()),
        };
        normalized = format!("connector:{manufacturer}{model}");
    }
    let digest = Md5::digest(format!("{normalized}-{version}").as_bytes());
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    hex[..24].to_string()
}

/// Drops every character but ASCII letters, digits, white space, `+` and `-` (underscores
/// too), turns `-` into a space, runs of white space into one `-`, and lowercases.
pub fn normalize(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || *c == '+' || *c == '-')
        .map(|c| if c == '-' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(kept.len());
    let mut in_space = false;
    for c in kept.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push('-');
            }
            in_space = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_space = false;
        }
    }
    out
}

/// The id TagoIO's catalog gives: `id`, or the older id `map-ids.json` maps it to.
pub fn mapped(id: String, map_ids: &std::collections::BTreeMap<String, String>) -> String {
    map_ids.get(&id).cloned().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed outside Rust: `printf %s 'lorawan-ttittn-v3-v1.0.0' | md5sum`.
    #[test]
    fn ids_follow_the_repository_rule() {
        assert_eq!(normalize("LoRaWAN  TTN_x (beta)"), "lorawan-ttnx-beta");
        assert_eq!(normalize("a - b+c"), "a-b+c");
        assert_eq!(
            catalog_id("lorawan-ttittn-v3", "v1.0.0", false),
            LORAWAN_TTITTN_V3
        );
        assert_eq!(
            catalog_id("milesight-em300-th", "v1.0.0", true),
            MILESIGHT_EM300_TH
        );
        assert_eq!(catalog_id("sigfox", "v1.0.0", true), SIGFOX_AS_CONNECTOR);
    }

    /// Cases of the repository itself (its generated catalog and its unit test), with the
    /// digests `printf %s '<string>' | md5sum` gives.
    #[test]
    fn ids_match_the_repository_catalog() {
        let cases = [
            ("Abeeway Compact Tracker", true, "b667af9bc4931df2ae6464d6"),
            (
                "Bluetooth Gateway Lite MOT-G102",
                true,
                "bea333e96aa62e118d371f0f",
            ),
            ("LoRaWAN TTI/TTN v3", false, "872b18c89d95baef54cc90fc"),
            ("Blecon", false, "c5591563f8a814dffc5712a7"),
            ("draginolns", false, "8b4ae16b01b2b6f7efbb76ed"),
        ];
        for (name, connector, id) in cases {
            assert_eq!(catalog_id(name, "v1.0.0", connector), id, "{name}");
        }
        let map = [(
            "b667af9bc4931df2ae6464d6".to_owned(),
            "61b887409da1b80018a434f8".to_owned(),
        )]
        .into();
        assert_eq!(
            mapped(catalog_id("Abeeway Compact Tracker", "v1.0.0", true), &map),
            "61b887409da1b80018a434f8"
        );
    }

    const LORAWAN_TTITTN_V3: &str = "872b18c89d95baef54cc90fc";
    const MILESIGHT_EM300_TH: &str = "d776e33b69268720b46b2c68";
    const SIGFOX_AS_CONNECTOR: &str = "a28db6e8d724ef438ae34783";
}
