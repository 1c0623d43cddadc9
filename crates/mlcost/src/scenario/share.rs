//! Scenario links: the whole scenario in a URL fragment, compact and versioned, so a link restores
//! exactly what its sender saw in any front end (the web app opens it; the CLI writes it).
//!
//! A link's payload is `<version>.<data>`:
//! - version 2 (current): the scenario's compact JSON, deflated (RFC 1951), in URL-safe base64
//!   without padding. A typical scenario takes 200–400 characters.
//! - version 1: the same JSON without compression, as the first app builds wrote it; still read.
//!
//! Why not put the JSON in the query string? The fragment never reaches a server (the app is a
//! static site, and a wiki proxy in front of it should not log scenarios), and it survives the
//! static host's redirects.
//!
//! Invariant: decoding never panics and never returns a half-read scenario: it is the whole
//! scenario, or a [`LinkError`] saying which step failed.

use std::fmt;

use base64::Engine as _;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::scenario::Scenario;
use crate::vocabulary::error::Error;

/// The version [`encode`] writes.
pub const LINK_VERSION: u32 = 2;

/// The version [`encode_plain`] writes: the JSON without compression.
pub const PLAIN_LINK_VERSION: u32 = 1;

/// Reads what a chat client or wiki may have done to a link (padding added, a cut mid-character):
/// whether the data then makes sense is the deflate stream's and the JSON parser's call.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decompressed payloads above this are refused: a link is a few hundred bytes, and a crafted one
/// must not make the page inflate gigabytes.
const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Why a link could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    /// No `<version>.` prefix, or a version this build does not know.
    UnknownVersion(String),
    /// The data is not URL-safe base64.
    NotBase64,
    /// The data does not inflate (truncated or altered).
    Damaged,
    /// The data reads, but is not a valid scenario: the field-named error.
    Invalid(Error),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownVersion(v) if v.is_empty() => {
                write!(f, "the link has no scenario version; it may have been cut short")
            }
            Self::UnknownVersion(v) => write!(
                f,
                "the link is version \"{v}\", which this build cannot read (it reads 1 to {LINK_VERSION})"
            ),
            Self::NotBase64 => {
                write!(f, "the link's data is not valid base64; it was altered or cut short")
            }
            Self::Damaged => {
                write!(f, "the link's data does not decompress; it was altered or cut short")
            }
            Self::Invalid(error) => write!(f, "the link's scenario is not valid: {error}"),
        }
    }
}

impl std::error::Error for LinkError {}

/// The link payload for a scenario (without the `#s=` the app puts before it).
pub fn encode(scenario: &Scenario) -> String {
    let json = scenario.to_value().to_string();
    let deflated = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 9);
    format!("{LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// A version-1 payload: the same JSON, not deflated (about three times as long). For a program
/// without the deflate code: the app's first render writes these until its second module, which
/// has it, is loaded (deflating is 8.7 KB gzip of the first render's budget).
pub fn encode_plain(scenario: &Scenario) -> String {
    let json = scenario.to_value().to_string();
    format!("{PLAIN_LINK_VERSION}.{}", URL_SAFE_NO_PAD.encode(json))
}

/// The scenario a link payload holds, migrated from older versions.
pub fn decode(payload: &str) -> Result<Scenario, LinkError> {
    let (version, data) = payload.trim().split_once('.').unwrap_or(("", ""));
    let bytes = LENIENT.decode(data).map_err(|_| LinkError::NotBase64);
    let json = match version {
        "1" => bytes?,
        "2" => miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes?, MAX_SCENARIO_BYTES)
            .map_err(|_| LinkError::Damaged)?,
        other => return Err(LinkError::UnknownVersion(other.to_owned())),
    };
    let text = String::from_utf8(json).map_err(|_| LinkError::Damaged)?;
    Scenario::from_json(&text).map_err(LinkError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const SCENARIO: &str = r#"{"model": {"preset": "llama-3.1-70b"},
        "training": {"tokens": 2e12, "accelerator": "h100-sxm", "accelerator_count": 256,
                     "precision": "bf16", "offer": "aws:p5.48xlarge", "plan": "spot",
                     "parallelism": {"tensor": 8, "zero_stage": 1}},
        "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2, "weight_precision": "fp8",
                    "input_tokens": 1000, "output_tokens": 300, "daily_requests": 2e6,
                    "shape": "diurnal", "peak_to_mean": 2, "price_per_accelerator_hour": 2.5,
                    "compare_apis": ["openai:gpt-4o"]}}"#;

    fn scenario() -> Result<Scenario, Error> {
        Scenario::from_json(SCENARIO)
    }

    #[test]
    fn a_link_round_trips_exactly() -> Result<(), Box<dyn std::error::Error>> {
        let original = scenario()?;
        let link = encode(&original);
        assert!(link.starts_with("2.") && link.len() < 600, "{} characters: {link}", link.len());
        assert!(link.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)), "{link}");
        assert_eq!(decode(&link)?, original);
        Ok(())
    }

    #[test]
    fn a_version_1_link_still_opens() -> Result<(), Box<dyn std::error::Error>> {
        let original = scenario()?;
        let json = serde_json::to_string(&original)?;
        let old = format!("1.{}", URL_SAFE_NO_PAD.encode(json));
        assert_eq!(decode(&old)?, original);
        assert_eq!(decode(&encode_plain(&original))?, original);
        Ok(())
    }

    #[test]
    fn damaged_links_say_what_failed() -> Result<(), Box<dyn std::error::Error>> {
        let link = encode(&scenario()?);
        // Cut where the base64 still parses (a length of 1 mod 4 never does): the deflate stream
        // is what notices.
        let cut = (link.len() / 2..link.len()).find(|n| (n - 2) % 4 != 1).unwrap_or(link.len());
        assert_eq!(decode(&link[..cut]), Err(LinkError::Damaged));
        assert_eq!(decode("2.!!!"), Err(LinkError::NotBase64));
        assert_eq!(decode("9.abc"), Err(LinkError::UnknownVersion("9".into())));
        assert_eq!(decode(""), Err(LinkError::UnknownVersion(String::new())));
        let wrong = format!(
            "1.{}",
            URL_SAFE_NO_PAD.encode(r#"{"model": {}, "training": {"tokens": "many"}}"#)
        );
        let Err(LinkError::Invalid(error)) = decode(&wrong) else {
            panic!("a scenario with a bad field must be refused by field");
        };
        assert!(error.field.starts_with("training"), "{error}");
        Ok(())
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; 4 << 20], 9);
        let link = format!("2.{}", URL_SAFE_NO_PAD.encode(bomb));
        assert_eq!(decode(&link), Err(LinkError::Damaged));
    }
}
