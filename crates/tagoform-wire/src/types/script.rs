//! Scripts (a network's or connector's payload decoder) travel base64-encoded: TagoIO sends
//! and expects `payload_decoder` so (sdk-js `integration.types.ts`; docs/api.md), while the
//! configuration, the plan and the diff hold the text. Which fields are scripts is declared
//! here once; the client's request bodies, the live snapshot and the emulator's checks all
//! ask [`is_base64`] instead of naming the field.

use base64::Engine;

/// The fields of a network or connector that travel base64-encoded.
pub const BASE64_FIELDS: &[&str] = &["payload_decoder"];

/// True when `field` travels base64-encoded.
pub fn is_base64(field: &str) -> bool {
    BASE64_FIELDS.contains(&field)
}

/// The text as it goes on the wire.
pub fn encode(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// True when `value` is base64 at all (whatever the bytes): what a server can check of a
/// script it receives.
pub fn is_encoded(value: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .is_ok()
}

/// The text of a wire value: `None` unless it is base64 of UTF-8 text.
pub fn decode(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_script_survives_the_wire_and_other_text_is_not_taken_for_one() {
        assert!(is_base64("payload_decoder"));
        assert!(!is_base64("description"));
        assert_eq!(encode("// hi\n"), "Ly8gaGkK");
        assert_eq!(decode("Ly8gaGkK").as_deref(), Some("// hi\n"));
        assert_eq!(decode("not base64!"), None);
        assert!(!is_encoded("not base64!"));
        assert!(is_encoded("//7/"));
        assert_eq!(
            decode(&base64::engine::general_purpose::STANDARD.encode([0xff, 0xfe])),
            None
        );
    }
}
