//! Request bodies from a plan's field changes: a create sends every configured field, an
//! update only the fields that differ. Scripts are planned as text and sent as TagoIO expects
//! them (`api::types::script`).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::api::types::script;
use crate::plan::FieldChange;

/// Fields that are not sent as they are planned.
const NOT_SENT: [&str; 1] = ["networks"];

/// The body of a network or connector create or update: `name` (on create), the changed
/// fields, and the connector's network ids when they change.
pub fn object_body<T: DeserializeOwned>(
    name: Option<&str>,
    changes: &[FieldChange],
    networks: Option<Vec<String>>,
) -> Result<T, serde_json::Error> {
    let mut map = Map::new();
    if let Some(name) = name {
        map.insert("name".into(), Value::String(name.to_owned()));
    }
    for change in changes {
        if NOT_SENT.contains(&change.field.as_str()) {
            continue;
        }
        let value = match &change.new {
            Value::String(text) if script::is_base64(&change.field) => {
                Value::String(script::encode(text))
            }
            value => value.clone(),
        };
        map.insert(change.field.clone(), value);
    }
    if let Some(networks) = networks {
        map.insert(
            "networks".into(),
            Value::Array(networks.into_iter().map(Value::String).collect()),
        );
    }
    serde_json::from_value(Value::Object(map))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::types::ConnectorCreateInfo;

    #[test]
    fn decoders_are_sent_base64_and_networks_as_ids() {
        let changes = [
            FieldChange::new("payload_decoder", None, json!("// hi\n")),
            FieldChange::new("description", Some(json!("a")), json!("b")),
            FieldChange::new("networks", None, json!(["(new network `x`)"])),
        ];
        let body: ConnectorCreateInfo = object_body(
            Some("TH"),
            &changes,
            Some(vec!["bbbbbbbbbbbbbbbbbbbbbbb1".into()]),
        )
        .unwrap();
        assert_eq!(body.name.as_deref(), Some("TH"));
        assert_eq!(body.payload_decoder.as_deref(), Some("Ly8gaGkK"));
        assert_eq!(body.description.as_deref(), Some("b"));
        assert_eq!(
            body.networks,
            Some(vec!["bbbbbbbbbbbbbbbbbbbbbbb1".to_string()])
        );
    }
}
