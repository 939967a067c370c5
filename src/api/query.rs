//! Query strings encoded the way the official SDK's `qs` encodes them.
//!
//! `qs.stringify({page: 1, fields: ["id", "name"], filter: {name: "x"}, amount: 50,
//! orderBy: "name,asc"})` gives `page=1&fields%5B0%5D=id&fields%5B1%5D=name&filter%5Bname%5D=x&amount=50&orderBy=name%2Casc`
//! (brackets and commas percent-encoded; a server decodes it to
//! `fields[0]=id&fields[1]=name&filter[name]=x&orderBy=name,asc`). Keys and values are
//! encoded with the same set as path segments, so no value can add a parameter.

use std::collections::BTreeMap;
use std::fmt::Write;

use percent_encoding::utf8_percent_encode;

use super::route::COMPONENT;

/// Sort direction of `orderBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    fn as_str(self) -> &'static str {
        match self {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        }
    }
}

/// The options of a list request other than the page: fields, filter and order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Fields to return (`fields[0]=id&fields[1]=name`); empty: the server's default.
    pub fields: Vec<String>,
    /// Equality filters (`filter[name]=x`).
    pub filter: BTreeMap<String, String>,
    /// Sort (`orderBy=name,asc`).
    pub order_by: Option<(String, SortOrder)>,
}

impl ListQuery {
    /// Asks for these fields.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Adds an equality filter.
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filter.insert(key.into(), value.into());
        self
    }

    /// Sorts by a field.
    pub fn order_by(mut self, field: impl Into<String>, order: SortOrder) -> Self {
        self.order_by = Some((field.into(), order));
        self
    }

    /// The query string of one page, in the SDK's parameter order:
    /// page, fields, filter, amount, orderBy.
    pub fn encode_page(&self, page: u32, amount: u32) -> String {
        let mut pairs = QueryWriter::default();
        pairs.push("page", &page.to_string());
        for (index, field) in self.fields.iter().enumerate() {
            pairs.push(&format!("fields[{index}]"), field);
        }
        for (key, value) in &self.filter {
            pairs.push(&format!("filter[{key}]"), value);
        }
        pairs.push("amount", &amount.to_string());
        if let Some((field, order)) = &self.order_by {
            pairs.push("orderBy", &format!("{field},{}", order.as_str()));
        }
        pairs.finish()
    }

    /// The query string of a single-object read: only `fields`, if any.
    pub fn encode_fields(&self) -> String {
        let mut pairs = QueryWriter::default();
        for (index, field) in self.fields.iter().enumerate() {
            pairs.push(&format!("fields[{index}]"), field);
        }
        pairs.finish()
    }
}

#[derive(Default)]
struct QueryWriter {
    out: String,
}

impl QueryWriter {
    fn push(&mut self, key: &str, value: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        // Writing to a String cannot fail.
        let _ = write!(
            self.out,
            "{}={}",
            utf8_percent_encode(key, COMPONENT),
            utf8_percent_encode(value, COMPONENT)
        );
    }

    fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_qs() {
        let query = ListQuery::default()
            .fields(["id", "name"])
            .filter("name", "a b&c=d")
            .order_by("name", SortOrder::Asc);
        assert_eq!(
            query.encode_page(1, 50),
            "page=1&fields%5B0%5D=id&fields%5B1%5D=name&filter%5Bname%5D=a%20b%26c%3Dd&amount=50&orderBy=name%2Casc"
        );
    }

    #[test]
    fn empty_options_give_only_page_and_amount() {
        assert_eq!(
            ListQuery::default().encode_page(3, 1000),
            "page=3&amount=1000"
        );
        assert_eq!(ListQuery::default().encode_fields(), "");
    }
}
