//! Routes: the method, the route template and the concrete path of one request.
//!
//! Every request is built from a template (`/profile/{id}/token/{token}`) and typed
//! arguments, so that ids are checked and percent-encoded before anything is sent, and
//! so that logs and errors can show the path with secret segments replaced by `***`.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::ApiError;

/// Everything but RFC 3986 unreserved characters is escaped, as `qs` and
/// `encodeURIComponent` do: no input can add a `/`, `?`, `#` or `%` to a path.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The HTTP methods the TagoIO API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// GET, PUT and DELETE may be repeated without changing the outcome; POST may not.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }

    /// The method name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One argument of a route template, substituted for the next `{...}` placeholder.
#[derive(Clone, Copy)]
pub(crate) enum PathArg<'a> {
    /// A TagoIO object id (24 lowercase hexadecimal digits); anything else is refused.
    Id(&'a str),
    /// A secret (a token value): encoded in the path, shown as `***` everywhere else.
    Secret(&'a str),
    /// A fixed word chosen by tagoform (`network`, `connector`), kept in the template.
    Word(&'static str),
}

/// A request's route, safe to print: method, template and the path with secrets hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct Route {
    method: Method,
    template: String,
    shown: String,
    path: String,
}

impl Route {
    /// Builds a route from a template and its arguments, checking ids first.
    pub(crate) fn new(
        method: Method,
        template: &'static str,
        args: &[PathArg<'_>],
    ) -> Result<Self, ApiError> {
        let mut resolved_template = String::with_capacity(template.len());
        let mut shown = String::with_capacity(template.len());
        let mut path = String::with_capacity(template.len() + 32);
        let mut rest = template;
        let mut args = args.iter();
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .map_or(rest.len(), |at| open + at + 1);
            let literal = &rest[..open];
            let placeholder = &rest[open..close];
            for out in [&mut resolved_template, &mut shown, &mut path] {
                out.push_str(literal);
            }
            match args.next() {
                Some(PathArg::Id(id)) => {
                    check_id(id)?;
                    resolved_template.push_str(placeholder);
                    shown.push_str(id);
                    path.push_str(id);
                }
                Some(PathArg::Secret(secret)) => {
                    if secret.trim().is_empty() {
                        return Err(ApiError::InvalidArgument {
                            what: "token",
                            reason: "is empty".to_owned(),
                        });
                    }
                    resolved_template.push_str(placeholder);
                    shown.push_str("***");
                    path.extend(utf8_percent_encode(secret, COMPONENT));
                }
                Some(PathArg::Word(word)) => {
                    for out in [&mut resolved_template, &mut shown, &mut path] {
                        out.push_str(word);
                    }
                }
                None => {
                    for out in [&mut resolved_template, &mut shown, &mut path] {
                        out.push_str(placeholder);
                    }
                }
            }
            rest = &rest[close..];
        }
        for out in [&mut resolved_template, &mut shown, &mut path] {
            out.push_str(rest);
        }
        Ok(Self {
            method,
            template: resolved_template,
            shown,
            path,
        })
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The route template with placeholders (`/integration/connector/{id}`): the key of
    /// rate-limit buckets and of request logs.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The concrete path with secret segments replaced by `***`.
    pub fn shown_path(&self) -> &str {
        &self.shown
    }

    /// The encoded path that is sent; may hold a secret, so never print it.
    pub(crate) fn wire_path(&self) -> &str {
        &self.path
    }
}

impl fmt::Debug for Route {
    /// Written by hand: the wire path may hold a token value.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("Route")
            .field("method", &self.method)
            .field("template", &self.template)
            .field("shown", &self.shown)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Route {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} {}", self.method, self.shown)
    }
}

/// True for a TagoIO object id: 24 lowercase hexadecimal digits.
pub fn is_tagoio_id(value: &str) -> bool {
    super::types::is_valid_id(value)
}

/// Refuses anything that is not a TagoIO id before it can reach a URL.
pub(crate) fn check_id(value: &str) -> Result<(), ApiError> {
    if is_tagoio_id(value) {
        Ok(())
    } else {
        Err(ApiError::InvalidId {
            value: value.chars().take(40).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "64f1c2a9e3b1d40012ab34cd";

    #[test]
    fn secrets_are_encoded_in_the_path_and_hidden_when_shown() {
        let route = Route::new(
            Method::Delete,
            "/profile/{id}/token/{token}",
            &[PathArg::Id(ID), PathArg::Secret("a/b?c")],
        )
        .unwrap();
        assert_eq!(route.wire_path(), format!("/profile/{ID}/token/a%2Fb%3Fc"));
        assert_eq!(route.to_string(), format!("DELETE /profile/{ID}/token/***"));
        assert_eq!(route.template(), "/profile/{id}/token/{token}");
    }

    #[test]
    fn words_are_part_of_the_template() {
        let route = Route::new(
            Method::Get,
            "/integration/{kind}/{id}/share",
            &[PathArg::Word("connector"), PathArg::Id(ID)],
        )
        .unwrap();
        assert_eq!(route.template(), "/integration/connector/{id}/share");
        assert_eq!(
            route.wire_path(),
            format!("/integration/connector/{ID}/share")
        );
    }

    #[test]
    fn ids_that_are_not_tagoio_ids_are_refused() {
        for bad in [
            "",
            "../../account",
            "64f1c2a9e3b1d40012ab34c",
            "64f1c2a9e3b1d40012ab34cz",
        ] {
            let error = Route::new(Method::Get, "/profile/{id}", &[PathArg::Id(bad)]).unwrap_err();
            assert!(matches!(error, ApiError::InvalidId { .. }), "{bad}");
        }
    }
}
