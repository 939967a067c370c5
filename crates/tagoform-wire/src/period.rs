//! Reading `<whole number><unit>` and `<whole number> <unit>`: the one tokenizer behind the
//! three duration grammars tagoform reads (`--lock-timeout 10m`, a token's `expires: 90 days`,
//! and TagoIO's `expire_time: "3 month"` in the emulator). Each keeps its own units: a lock
//! timeout is seconds, a token's period is calendar months, TagoIO's is what TagoIO takes.

/// The leading whole number, the unit word after it, and whether a space separated them:
/// `90 days` → `(90, "days", true)`, `10m` → `(10, "m", false)`. `None` when the text does
/// not start with a digit or the number does not fit.
pub fn split_amount(text: &str) -> Option<(u64, &str, bool)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    if end == 0 {
        return None;
    }
    let amount = text[..end].parse().ok()?;
    let rest = &text[end..];
    let unit = rest.trim_start();
    Some((amount, unit, unit.len() != rest.len()))
}

#[cfg(test)]
mod tests {
    use super::split_amount;

    #[test]
    fn splits_the_number_from_its_unit() {
        assert_eq!(split_amount("90 days"), Some((90, "days", true)));
        assert_eq!(split_amount("10m"), Some((10, "m", false)));
        assert_eq!(split_amount("3  month"), Some((3, "month", true)));
        assert_eq!(split_amount("7"), Some((7, "", false)));
        assert_eq!(split_amount("days"), None);
        assert_eq!(split_amount("-1 day"), None);
        assert_eq!(split_amount("99999999999999999999999 days"), None);
    }
}
