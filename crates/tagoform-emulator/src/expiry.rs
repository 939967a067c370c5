//! Reading a token's `expire_time` as TagoIO accepts it: `never` or an ISO-8601 date
//! (sdk-js `ExpireTimeOption`), or one of the relative forms TagoIO's own sources show:
//! `3 month` (tagoio-cli), `3 months`, `8 hours`, `1 year` (sdk-js `run.types.ts`), `1 day`
//! and `1day` (OpenAPI spec; sdk-js `Dashboards`), `1 hour`, `1 day`, `1 week`, `1 year` (the
//! legacy SDK's `tokenCreate`, tago-io/tago-sdk-js `account/profiles.js`; the spec's
//! `/dashboard/{id}/share/public` names hours, days, weeks and months): a whole number and an
//! hour, day, week, month or year unit. Minutes appear in no TagoIO source, so they are refused.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use tagoform_wire::types::Expiry;

/// Parses `text` against `now`; the error is a message fit for a 400 answer.
pub fn parse_expire_time(text: &str, now: DateTime<Utc>) -> Result<Expiry, String> {
    let text = text.trim();
    let invalid = || {
        format!(
            "Invalid expire_time `{text}`: use `never`, an ISO-8601 date, or a period such as `3 hours` or `3 months`"
        )
    };
    if text.eq_ignore_ascii_case("never") {
        return Ok(Expiry::Never);
    }
    let at = if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        at.with_timezone(&Utc)
    } else if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        date.and_hms_opt(0, 0, 0).ok_or_else(invalid)?.and_utc()
    } else {
        now + parse_period(text).ok_or_else(invalid)?
    };
    if at <= now {
        return Err(format!(
            "Invalid expire_time `{text}`: it is not in the future"
        ));
    }
    // An answer carries the instant as ISO-8601, whose year has four digits: a later one
    // (`100000 years`) would be answered as a date no client reads. TagoIO's own bound is in
    // no public source (docs/api.md: unverified).
    if at >= latest_instant() {
        return Err(format!(
            "Invalid expire_time `{text}`: it is later than the year 9999"
        ));
    }
    Ok(Expiry::At(at))
}

/// The first instant of the year 10000.
fn latest_instant() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(10_000, 1, 1)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map_or(DateTime::<Utc>::MAX_UTC, |at| at.and_utc())
}

/// `N unit` or `Nunit`, unit hour(s), day(s), week(s), month(s) (30 days) or year(s) (365 days);
/// N a positive whole number.
fn parse_period(text: &str) -> Option<Duration> {
    let (amount, unit, _) = tagoform_wire::period::split_amount(text)?;
    if amount == 0 || amount > 100_000 || unit.is_empty() {
        return None;
    }
    let amount = i64::try_from(amount).ok()?;
    let unit = unit.to_ascii_lowercase();
    let unit = unit.strip_suffix('s').unwrap_or(&unit);
    Some(match unit {
        "hour" => Duration::hours(amount),
        "day" => Duration::days(amount),
        "week" => Duration::weeks(amount),
        "month" => Duration::days(30 * amount),
        "year" => Duration::days(365 * amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn an_instant_past_the_year_9999_is_refused() {
        assert_eq!(
            parse_expire_time("100000 years", now()),
            Err("Invalid expire_time `100000 years`: it is later than the year 9999".to_owned())
        );
        assert!(parse_expire_time("7000 years", now()).is_ok());
    }

    #[test]
    fn accepts_never_dates_and_periods() {
        assert_eq!(parse_expire_time("never", now()), Ok(Expiry::Never));
        assert_eq!(
            parse_expire_time("3 hours", now()),
            Ok(Expiry::At(now() + Duration::hours(3)))
        );
        assert_eq!(
            parse_expire_time("90 days", now()),
            Ok(Expiry::At(now() + Duration::days(90)))
        );
        assert_eq!(
            parse_expire_time("1 month", now()),
            Ok(Expiry::At(now() + Duration::days(30)))
        );
        assert_eq!(
            parse_expire_time("3 month", now()),
            Ok(Expiry::At(now() + Duration::days(90)))
        );
        assert_eq!(
            parse_expire_time("1day", now()),
            Ok(Expiry::At(now() + Duration::days(1)))
        );
        let date = parse_expire_time("2026-02-01", now()).unwrap();
        assert_eq!(date, Expiry::At("2026-02-01T00:00:00Z".parse().unwrap()));
        let instant = parse_expire_time("2026-02-01T10:00:00.000Z", now()).unwrap();
        assert_eq!(instant, Expiry::At("2026-02-01T10:00:00Z".parse().unwrap()));
    }

    #[test]
    fn refuses_garbage_and_the_past() {
        assert!(parse_expire_time("soon", now())
            .unwrap_err()
            .starts_with("Invalid expire_time `soon`"));
        assert!(parse_expire_time("0 days", now()).is_err());
        assert!(parse_expire_time("3 fortnights", now()).is_err());
        // No TagoIO source shows minutes.
        assert!(parse_expire_time("3 minutes", now()).is_err());
        assert_eq!(
            parse_expire_time("1 week", now()),
            Ok(Expiry::At(now() + Duration::days(7)))
        );
        assert!(parse_expire_time("3 hours later", now()).is_err());
        assert_eq!(
            parse_expire_time("2025-01-01", now()),
            Err("Invalid expire_time `2025-01-01`: it is not in the future".to_string())
        );
    }
}
