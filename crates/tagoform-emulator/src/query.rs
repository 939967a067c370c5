//! List queries as TagoIO's SDK sends them (`qs` encoding): `page`, `amount`,
//! `fields[0]=id&fields[1]=name`, `filter[name]=x`, `orderBy=name,asc`. Applied to
//! lists of JSON objects so every list route pages, filters and projects the same way.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::error::{ErrorReply, ReplyResult};

/// The largest `amount` a list route accepts (documented in docs/api.md).
pub use tagoform_wire::types::MAX_PAGE_AMOUNT;

/// A parsed list query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    pub page: u32,
    pub amount: u32,
    /// `None`: the route's default fields.
    pub fields: Option<Vec<String>>,
    pub filter: BTreeMap<String, String>,
    pub order_by: (String, bool),
}

/// Splits a raw query string into decoded (key, value) pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    let decode = |text: &str| {
        percent_decode_str(&text.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    raw.unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (decode(key), decode(value)),
            None => (decode(pair), String::new()),
        })
        .collect()
}

/// Only the `fields` of a query (single-object routes accept them too).
pub fn fields(raw: Option<&str>) -> Option<Vec<String>> {
    let mut indexed: Vec<(usize, String)> = Vec::new();
    for (key, value) in pairs(raw) {
        if key == "fields" {
            indexed.extend(
                value
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .map(|f| (usize::MAX, f.to_string())),
            );
        } else if let Some(index) = key
            .strip_prefix("fields[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            indexed.push((index.parse().unwrap_or(usize::MAX), value));
        }
    }
    if indexed.is_empty() {
        return None;
    }
    indexed.sort_by_key(|(index, _)| *index);
    Some(indexed.into_iter().map(|(_, field)| field).collect())
}

impl ListParams {
    /// Parses a list query; `default_order` is `(field, ascending)`.
    pub fn parse(raw: Option<&str>, default_order: (&str, bool)) -> ReplyResult<Self> {
        let mut query = Self {
            page: 1,
            amount: 20,
            fields: fields(raw),
            filter: BTreeMap::new(),
            order_by: (default_order.0.to_string(), default_order.1),
        };
        let mut order_parts: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in pairs(raw) {
            match key.as_str() {
                "page" => query.page = parse_number("page", &value, 1, u32::MAX)?,
                "amount" => query.amount = parse_number("amount", &value, 1, MAX_PAGE_AMOUNT)?,
                "orderBy" => query.order_by = parse_order(&value)?,
                _ => {
                    if let Some(field) = key
                        .strip_prefix("filter[")
                        .and_then(|rest| rest.strip_suffix(']'))
                    {
                        query.filter.insert(field.to_string(), value);
                    } else if let Some(index) = key
                        .strip_prefix("orderBy[")
                        .and_then(|rest| rest.strip_suffix(']'))
                    {
                        order_parts.insert(index.to_string(), value);
                    }
                }
            }
        }
        if let Some(field) = order_parts.get("0") {
            let direction = order_parts.get("1").map(String::as_str).unwrap_or("asc");
            query.order_by = parse_order(&format!("{field},{direction}"))?;
        }
        Ok(query)
    }

    /// Filters, sorts (ties by id), pages and projects `items`.
    pub fn apply(&self, mut items: Vec<Map<String, Value>>, default_fields: &[&str]) -> Vec<Value> {
        items.retain(|item| {
            self.filter
                .iter()
                .all(|(field, wanted)| matches_filter(item.get(field), wanted))
        });
        let (field, ascending) = &self.order_by;
        items.sort_by(|a, b| {
            let order =
                compare(a.get(field), b.get(field)).then_with(|| compare(a.get("id"), b.get("id")));
            if *ascending {
                order
            } else {
                order.reverse()
            }
        });
        let skip = (self.page as usize - 1).saturating_mul(self.amount as usize);
        items
            .into_iter()
            .skip(skip)
            .take(self.amount as usize)
            .map(|item| self.project(item, default_fields))
            .collect()
    }

    fn project(&self, item: Map<String, Value>, default_fields: &[&str]) -> Value {
        let wanted: Vec<&str> = match &self.fields {
            Some(fields) => fields.iter().map(String::as_str).collect(),
            None => default_fields.to_vec(),
        };
        project(item, &wanted)
    }
}

/// Keeps only `wanted` keys (all keys when `wanted` is empty).
pub fn project(item: Map<String, Value>, wanted: &[&str]) -> Value {
    if wanted.is_empty() {
        return Value::Object(item);
    }
    Value::Object(
        item.into_iter()
            .filter(|(key, _)| wanted.contains(&key.as_str()))
            .collect(),
    )
}

fn parse_number(name: &str, value: &str, min: u32, max: u32) -> ReplyResult<u32> {
    match value.trim().parse::<u32>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => Err(ErrorReply::bad_request(format!(
            "Invalid {name} `{value}`: must be a whole number from {min} to {max}"
        ))),
    }
}

fn parse_order(value: &str) -> ReplyResult<(String, bool)> {
    let (field, direction) = value.split_once(',').unwrap_or((value, "asc"));
    let ascending = match direction.trim().to_ascii_lowercase().as_str() {
        "asc" => true,
        "desc" => false,
        _ => {
            return Err(ErrorReply::bad_request(format!(
                "Invalid orderBy `{value}`: use `field,asc` or `field,desc`"
            )))
        }
    };
    if field.trim().is_empty() {
        return Err(ErrorReply::bad_request(format!(
            "Invalid orderBy `{value}`: the field is missing"
        )));
    }
    Ok((field.trim().to_string(), ascending))
}

/// A filter value matches a string exactly, a bool/number by its text, and `*` is a wildcard.
fn matches_filter(value: Option<&Value>, wanted: &str) -> bool {
    let text = match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
        Some(Value::Array(items)) => return items.iter().any(|item| item.as_str() == Some(wanted)),
        _ => return false,
    };
    wildcard_match(&text, wanted)
}

/// `wanted` with `*` standing for any run of characters (several allowed: TagoIO's own MCP
/// server sends `*text*`), else equal.
fn wildcard_match(text: &str, wanted: &str) -> bool {
    let mut parts = wanted.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let middle: Vec<&str> = parts.collect();
    let Some((last, inner)) = middle.split_last() else {
        return rest.is_empty();
    };
    for part in inner {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::String(a)), Some(Value::String(b))) => a
            .to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b)),
        (Some(Value::Number(a)), Some(Value::Number(b))) => a
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&b.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Some(Value::Bool(a)), Some(Value::Bool(b))) => a.cmp(b),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sdk_encoding() {
        let raw = "page=2&fields%5B0%5D=id&fields%5B1%5D=name&filter%5Bname%5D=a%20b&amount=5&orderBy=created_at%2Cdesc";
        let query = ListParams::parse(Some(raw), ("name", true)).unwrap();
        assert_eq!(query.page, 2);
        assert_eq!(query.amount, 5);
        assert_eq!(
            query.fields,
            Some(vec!["id".to_string(), "name".to_string()])
        );
        assert_eq!(query.filter.get("name").map(String::as_str), Some("a b"));
        assert_eq!(query.order_by, ("created_at".to_string(), false));
    }

    #[test]
    fn wildcards_match_any_run_of_characters() {
        assert!(wildcard_match("ACME TH Sensor", "ACME TH Sensor"));
        assert!(!wildcard_match("ACME TH Sensor", "ACME"));
        assert!(wildcard_match("ACME TH Sensor", "ACME*"));
        assert!(wildcard_match("ACME TH Sensor", "*Sensor"));
        assert!(wildcard_match("ACME TH Sensor", "*TH*"));
        assert!(wildcard_match("ACME TH Sensor", "A*TH*r"));
        assert!(!wildcard_match("ACME TH Sensor", "*HT*"));
        assert!(!wildcard_match("ab", "a*b*b"));
        assert!(wildcard_match("abb", "a*b*b"));
    }

    #[test]
    fn refuses_amounts_over_the_cap() {
        let error = ListParams::parse(Some("amount=100000"), ("name", true)).unwrap_err();
        assert_eq!(
            error.message(),
            format!("Invalid amount `100000`: must be a whole number from 1 to {MAX_PAGE_AMOUNT}")
        );
    }
}
