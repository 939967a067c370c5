//! A profile entry: its id pin, token variable, team and tokens.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{field_origins, key, node_at, pin};
use crate::config::convert::Context;
use crate::config::deserialize::deserialize;
use crate::config::diagnostic::Diagnostic;
use crate::config::locate::{self, error_at, origin, Step};
use crate::config::model::{AddOn, Expiry, Member, Period, PeriodUnit, Profile, Token};
use crate::config::wire;

/// The variables tagoform reads credentials other than profile tokens from: a profile token
/// read from one of them would send the password (or the two-factor secret) to TagoIO as a
/// token, and show it wherever a token's variable is named.
const CREDENTIAL_VARIABLES: [&str; 6] = [
    "TAGOIO_EMAIL",
    "TAGOIO_PASSWORD",
    "TAGOIO_PIN",
    "TAGOIO_OTP_TYPE",
    "TAGOIO_TOTP_SECRET",
    "TAGOIO_API",
];

/// `token_env` must not name a credential variable of tagoform's own (an error), and should
/// name one that holds a token (a warning otherwise: `AWS_SECRET_ACCESS_KEY` would be sent
/// to TagoIO in the `token` header).
fn token_env_purpose(cx: &Context<'_>, variable: &str, diagnostics: &mut Vec<Diagnostic>) {
    let node = node_at(cx, &[key("token_env")]);
    if CREDENTIAL_VARIABLES.contains(&variable) {
        diagnostics.push(
            error_at(
                cx.file,
                node,
                format!(
                    "`token_env` names {variable}, which tagoform reads for another credential"
                ),
            )
            .with_help(
                "name a variable of its own for this profile's token, e.g. `TAGOIO_TOKEN_ACME`",
            ),
        );
    } else if is_variable_name(variable) && !variable.to_ascii_uppercase().contains("TOKEN") {
        let mut warning = Diagnostic::warning(
            cx.file,
            node.line,
            node.column,
            format!(
                "`token_env` names {variable}, which does not look like a variable holding a \
                 TagoIO token: its value is sent to TagoIO as this profile's token"
            ),
        )
        .with_help("name the variable after what it holds, e.g. `TAGOIO_TOKEN_ACME`");
        warning.width = node.width;
        diagnostics.push(warning);
    }
}

pub fn profile(cx: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<Profile> {
    let what = format!("profile `{}`", cx.key);
    let (wire, translation): (wire::ProfileEntry, _) =
        deserialize(cx.file, cx.key_node, cx.node, &what, diagnostics)?;
    let cx = &cx.translated(translation);
    let id = pin(cx, wire.id.as_deref(), &what, diagnostics);
    if let Some(variable) = &wire.token_env {
        token_env_purpose(cx, variable, diagnostics);
        if !is_variable_name(variable) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node_at(cx, &[key("token_env")]),
                    "`token_env` must be the name of an environment variable, not a token",
                )
                .with_help("write the variable's name (letters, digits and `_`), e.g. `TAGOIO_TOKEN_ACME`, and put the token in that variable")
                .hiding_snippet(),
            );
        }
    }
    let team = wire.team.map(|emails| members(cx, emails, diagnostics));
    let allocation = wire
        .allocation
        .map(|allocation| allocation.entries().into_iter().collect());
    let addons = wire
        .addons
        .map(|addons| self::addons(cx, addons, diagnostics));
    let tokens = wire
        .tokens
        .map(|tokens| self::tokens(cx, tokens, diagnostics));
    Some(Profile {
        key: cx.key.to_owned(),
        name: wire.name,
        id,
        logo_url: wire.logo_url,
        banner_url: wire.banner_url,
        allocation,
        addons,
        token_env: wire.token_env,
        exclusive: wire.exclusive,
        delete: wire.delete,
        team,
        tokens,
        origin: origin(cx.file, cx.key_node),
        field_origins: field_origins(cx),
    })
}

/// The add-ons, each once: a repeated one is refused, since it cannot be bought twice.
fn addons(
    cx: &Context<'_>,
    addons: Vec<AddOn>,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeSet<AddOn> {
    let mut set = BTreeSet::new();
    for (index, addon) in addons.into_iter().enumerate() {
        if !set.insert(addon) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node_at(cx, &[key("addons"), Step::Index(index)]),
                    format!("add-on `{addon}` is listed twice in profile `{}`", cx.key),
                )
                .with_help("a profile has an add-on or not: list it once"),
            );
        }
    }
    set
}

pub(crate) fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn members(
    cx: &Context<'_>,
    emails: Vec<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Member> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut members = Vec::new();
    for (index, email) in emails.into_iter().enumerate() {
        let node = node_at(cx, &[key("team"), Step::Index(index)]);
        if email.chars().any(crate::text::is_invisible) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node,
                    format!(
                        "`{}` holds an invisible character: it prints exactly like another address",
                        crate::text::visible(&email)
                    ),
                )
                .with_help("type the address again, in plain characters"),
            );
            continue;
        }
        if let Some(scripts) = mixed_scripts(&email) {
            diagnostics.push(
                crate::config::diagnostic::Diagnostic::warning(
                    cx.file,
                    node.line,
                    node.column,
                    format!(
                        "`{email}` mixes {scripts} letters: it may only look like the address it \
                         seems to be"
                    ),
                )
                .with_help("check that every letter is the one you mean (a Cyrillic `а` looks like a Latin `a`)"),
            );
        }
        if !is_email(&email) {
            diagnostics.push(
                error_at(cx.file, node, format!("`{email}` is not an email address"))
                    .with_help("team members are listed by the email of their TagoIO account"),
            );
            continue;
        }
        let identity = email.to_lowercase();
        if let Some(first_line) = seen.get(&identity) {
            diagnostics.push(
                error_at(
                    cx.file,
                    node,
                    format!("`{email}` is listed twice in the team of profile `{}` (first at line {first_line}; emails ignore case)", cx.key),
                )
                .with_help("remove one of the two"),
            );
            continue;
        }
        seen.insert(identity, node.line);
        members.push(Member {
            email,
            origin: origin(cx.file, node),
        });
    }
    members
}

/// The scripts an address mixes, when it mixes letters of more than one (Latin with Cyrillic,
/// say): the classic disguise of a look-alike address.
fn mixed_scripts(email: &str) -> Option<String> {
    let script = |c: char| match u32::from(c) {
        _ if c.is_ascii_alphabetic() => Some("Latin"),
        0x00c0..=0x024f => Some("Latin"),
        0x0370..=0x03ff => Some("Greek"),
        0x0400..=0x052f => Some("Cyrillic"),
        0x0530..=0x058f => Some("Armenian"),
        _ if c.is_alphabetic() => Some("other"),
        _ => None,
    };
    let mut scripts: Vec<&str> = email.chars().filter_map(script).collect();
    scripts.sort_unstable();
    scripts.dedup();
    (scripts.len() > 1).then(|| scripts.join(" and "))
}

/// What TagoIO can invite: an address as RFC 5322 writes one (the `email_address` crate's
/// reading), with a dotted domain, and neither a display name (`Alice <a@b.c>`) nor a domain
/// literal (`a@[10.0.0.1]`).
fn is_email(email: &str) -> bool {
    let options = email_address::Options::default()
        .with_required_tld()
        .without_display_text()
        .without_domain_literal();
    email_address::EmailAddress::parse_with_options(email, options).is_ok()
}

/// The start of the names of tagoform's own tokens (the apply lock, short-lived profile
/// tokens): tagoform knows them by name, and a configuration that managed one would delete
/// another run's lock, or this run's own access.
pub const RESERVED_TOKEN_PREFIX: &str = "tagoform (";

/// The `tokens` list: each token's name, permission and expiry checked where the YAML says
/// them, and names unique. Long because every rule reports at its own node.
fn tokens(
    cx: &Context<'_>,
    tokens: Vec<wire::TokenEntry>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Token> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut result = Vec::new();
    for (index, token) in tokens.into_iter().enumerate() {
        let item = node_at(cx, &[key("tokens"), Step::Index(index)]);
        let name_node = locate::value(item, "name").unwrap_or(item);
        if let Some(first_line) = seen.get(&token.name) {
            diagnostics.push(
                error_at(
                    cx.file,
                    name_node,
                    format!(
                        "two tokens of profile `{}` are named `{}` (first at line {first_line})",
                        cx.key, token.name
                    ),
                )
                .with_help("tokens are managed by name: give each a distinct name"),
            );
            continue;
        }
        seen.insert(token.name.clone(), name_node.line);
        if crate::text::is_blank(&token.name) {
            diagnostics.push(
                error_at(cx.file, name_node, "a token has an empty name")
                    .with_help("name the token: tagoform finds it on TagoIO by its name"),
            );
            continue;
        }
        if token.name.starts_with(RESERVED_TOKEN_PREFIX) {
            diagnostics.push(
                error_at(
                    cx.file,
                    name_node,
                    format!(
                        "token names starting with `{RESERVED_TOKEN_PREFIX}` are tagoform's own \
                         (its short-lived tokens and the apply lock): `{}`",
                        token.name
                    ),
                )
                .with_help("choose another name"),
            );
            continue;
        }
        let expires_node = locate::value(item, "expires").unwrap_or(item);
        let expires = match parse_expiry(&token.expires) {
            Ok(Expiry::Date(date)) if date <= cx.today => {
                diagnostics.push(
                    error_at(
                        cx.file,
                        expires_node,
                        format!(
                            "token `{}` would expire on {date}, which is not in the future",
                            token.name
                        ),
                    )
                    .with_help("use a later date, a period such as `90 days`, or `never`"),
                );
                continue;
            }
            Ok(expires) => expires,
            Err(message) => {
                diagnostics.push(
                    error_at(cx.file, expires_node, message).with_help(
                        "write `never`, a date (`2027-01-31`) or a period (`90 days`; units: minutes, hours, days, weeks, months, years)",
                    ),
                );
                continue;
            }
        };
        result.push(Token {
            name: token.name,
            permission: token.permission,
            expires,
            origin: origin(cx.file, item),
        });
    }
    result
}

/// `never`, `YYYY-MM-DD`, or `<n> <unit>` with a unit TagoIO accepts (singular or plural).
pub fn parse_expiry(text: &str) -> Result<Expiry, String> {
    let text = text.trim();
    if text == "never" {
        return Ok(Expiry::Never);
    }
    let unreadable = || format!("cannot read the expiry `{text}`");
    if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Expiry::Date)
            .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD)"));
    }
    let (amount, unit) = match crate::period::split_amount(text) {
        Some((amount, unit, true)) => (u32::try_from(amount).map_err(|_| unreadable())?, unit),
        _ => return Err(unreadable()),
    };
    let unit = PeriodUnit::ALL
        .into_iter()
        .find(|u| unit == u.plural() || unit == u.plural().trim_end_matches('s'))
        .ok_or_else(unreadable)?;
    if amount == 0 {
        return Err(format!(
            "the expiry `{text}` is zero: the token would never be usable"
        ));
    }
    // At most about 100 years: a longer period names a date no clock reads back the same,
    // and `never` says what such a period means.
    let days_per_unit = match unit {
        PeriodUnit::Minutes => 1.0 / 1440.0,
        PeriodUnit::Hours => 1.0 / 24.0,
        PeriodUnit::Days => 1.0,
        PeriodUnit::Weeks => 7.0,
        PeriodUnit::Months => 31.0,
        PeriodUnit::Years => 366.0,
    };
    if f64::from(amount) * days_per_unit > MAX_PERIOD_DAYS {
        return Err(format!(
            "the expiry `{text}` lies more than 100 years ahead: write `never` for a token that \
             should not expire"
        ));
    }
    Ok(Expiry::Period(Period { amount, unit }))
}

/// The longest period an expiry may be: 100 years of 366 days.
const MAX_PERIOD_DAYS: f64 = 36_600.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_forms() {
        assert_eq!(parse_expiry("never"), Ok(Expiry::Never));
        assert_eq!(
            parse_expiry("90 days"),
            Ok(Expiry::Period(Period {
                amount: 90,
                unit: PeriodUnit::Days
            }))
        );
        assert_eq!(
            parse_expiry("1 month"),
            Ok(Expiry::Period(Period {
                amount: 1,
                unit: PeriodUnit::Months
            }))
        );
        assert_eq!(
            parse_expiry("2027-01-31").map(|e| e.to_string()),
            Ok("2027-01-31".to_owned())
        );
        assert_eq!(
            parse_expiry("2027-02-30"),
            Err("`2027-02-30` is not a date (YYYY-MM-DD)".to_owned())
        );
        assert!(parse_expiry("100 years").is_ok());
        assert!(parse_expiry("5200 weeks").is_ok());
        assert_eq!(
            parse_expiry("100000 years"),
            Err(
                "the expiry `100000 years` lies more than 100 years ahead: write `never` for a \
                 token that should not expire"
                    .to_owned()
            )
        );
        assert_eq!(
            parse_expiry("soon"),
            Err("cannot read the expiry `soon`".to_owned())
        );
        assert_eq!(
            parse_expiry("3 fortnights"),
            Err("cannot read the expiry `3 fortnights`".to_owned())
        );
        assert!(parse_expiry("0 days").is_err());
    }

    #[test]
    fn emails() {
        assert!(is_email("alice@acme.example"));
        assert!(!is_email("alice"));
        assert!(!is_email("alice@acme"));
        assert!(!is_email("a b@acme.example"));
        assert!(!is_email("@acme.example"));
        assert!(!is_email("a@b@acme.example"));
        assert!(!is_email("a..b@acme.example"));
        assert!(!is_email("Alice <alice@acme.example>"));
        assert!(!is_email("alice@[10.0.0.1]"));
        assert!(!is_email("alice@acme..example"));
        assert!(is_email("alice.o+ops@acme.example"));
    }
}
