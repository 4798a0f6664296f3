//! The single HTML file with an embedded plan (保存为网页): the page the app was loaded from,
//! with the plan's JSON placed in its data block.
//!
//! The app keeps the page's own text (captured before it mounts), so the saved file has the
//! same wasm, script and Content-Security-Policy, whose hashes stay valid because only the
//! data block changes. The JSON is escaped so that no cell text can close the block: every
//! `<`, `>` and `&` becomes a `\uXXXX` escape, which JSON parsers read back unchanged.

use std::fmt;

/// The opening tag of the data block that holds an embedded plan.
pub const PLAN_BLOCK_OPEN: &str = r#"<script type="application/json" id="zhibiao-plan">"#;
const BLOCK_CLOSE: &str = "</script>";

/// Why a page could not be saved with a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The page has no data block (it was not built by `cargo xtask dist`).
    NoPlanBlock,
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoPlanBlock => f.write_str("the page has no plan data block"),
        }
    }
}

impl std::error::Error for ShareError {}

/// JSON made safe to stand inside an HTML `<script>` data block.
pub fn escape_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The page with `json` as its embedded plan (replacing any plan it held).
///
/// # Errors
/// [`ShareError::NoPlanBlock`] when the page has no data block.
///
/// ```
/// use zhibiao::io::write::share::{embed, embedded};
/// let page = r#"<html><script type="application/json" id="zhibiao-plan"></script></html>"#;
/// let saved = embed(page, r#"{"name":"</script><script>alert(1)</script>"}"#).unwrap();
/// assert!(!saved.contains("<script>alert"));
/// assert_eq!(embedded(&saved).as_deref(), Some(r#"{"name":"\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e"}"#));
/// ```
pub fn embed(page: &str, json: &str) -> Result<String, ShareError> {
    let start = page.find(PLAN_BLOCK_OPEN).ok_or(ShareError::NoPlanBlock)? + PLAN_BLOCK_OPEN.len();
    let len = page
        .get(start..)
        .and_then(|rest| rest.find(BLOCK_CLOSE))
        .ok_or(ShareError::NoPlanBlock)?;
    let mut out = String::with_capacity(page.len() + json.len());
    out.push_str(page.get(..start).unwrap_or_default());
    out.push_str(&escape_json(json));
    out.push_str(page.get(start + len..).unwrap_or_default());
    Ok(out)
}

/// The embedded plan's JSON of a page, if it holds one.
pub fn embedded(page: &str) -> Option<String> {
    let start = page.find(PLAN_BLOCK_OPEN)? + PLAN_BLOCK_OPEN.len();
    let rest = page.get(start..)?;
    let text = rest.get(..rest.find(BLOCK_CLOSE)?)?.trim();
    (!text.is_empty() && !text.starts_with("{{")).then(|| text.to_string())
}

/// A short, stable fingerprint of a text (FNV-1a, 64 bits, in hex): names the autosave slot
/// of a saved page so that each saved file keeps its own.
pub fn fingerprint(text: &str) -> String {
    fingerprint_bytes(text.as_bytes())
}

/// [`fingerprint`] of any bytes (the page keeps an opened file under it).
pub fn fingerprint_bytes(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!doctype html><html><head></head><body>\
        <script type=\"application/json\" id=\"zhibiao-plan\"></script>\
        <script type=\"module\">boot()</script></body></html>";

    #[test]
    fn a_hostile_cell_cannot_close_the_data_block() {
        let json = serde_json::json!({ "name": "</script><script>window.pwned=1</script><!--" })
            .to_string();
        let saved = embed(PAGE, &json).unwrap();
        assert_eq!(
            saved.matches("</script>").count(),
            2,
            "only the page's own closing tags"
        );
        assert!(!saved.contains("<!--"));
        let back: serde_json::Value = serde_json::from_str(&embedded(&saved).unwrap()).unwrap();
        assert_eq!(back["name"], "</script><script>window.pwned=1</script><!--");
    }

    #[test]
    fn saving_again_replaces_the_plan() {
        let once = embed(PAGE, r#"{"a":1}"#).unwrap();
        let twice = embed(&once, r#"{"a":2}"#).unwrap();
        assert_eq!(embedded(&twice).as_deref(), Some(r#"{"a":2}"#));
        assert!(twice.ends_with("<script type=\"module\">boot()</script></body></html>"));
    }

    #[test]
    fn an_empty_or_template_block_holds_no_plan() {
        assert_eq!(embedded(PAGE), None);
        assert_eq!(
            embedded(&PAGE.replace("></script><s", ">{{ZHIBIAO_PLAN}}</script><s")),
            None
        );
        assert_eq!(embed("<html></html>", "{}"), Err(ShareError::NoPlanBlock));
    }

    #[test]
    fn fingerprints_differ_and_repeat() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("").len(), 16);
    }
}
