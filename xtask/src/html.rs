//! Assembles the single self-contained page from the template `index.html`.
//!
//! This module needs only `sha2`, `base64` and `zopfli`, so it can move unchanged into the app (for
//! a page that saves itself with a plan embedded, `io/share.rs`).
//!
//! # Template markers
//!
//! Each marker appears exactly once in the template, and each element marker is the whole content
//! of its element (so the element's text, and with it the CSP hash, is exactly what is filled in):
//!
//! | marker               | where                                                      | filled with |
//! |----------------------|------------------------------------------------------------|-------------|
//! | `{{ZHIBIAO_CSP}}`    | `content` of `<meta http-equiv="Content-Security-Policy">` | [`csp`] with the hashes of the style and the module script |
//! | `{{ZHIBIAO_CSS}}`    | `<style id="zhibiao-style">`                               | the page CSS |
//! | `{{ZHIBIAO_WASM}}`   | `<script type="application/octet-stream" id="zhibiao-wasm">` | the wasm module deflated ([`deflate_wasm`], zlib format), then base64 (a data block: never executed) |
//! | `{{ZHIBIAO_PLAN}}`   | `<script type="application/json" id="zhibiao-plan">`       | an embedded plan as JSON, or nothing (a data block) |
//! | `{{ZHIBIAO_SCRIPT}}` | `<script type="module" id="zhibiao-boot">`                 | the wasm-bindgen glue followed by the bootstrap |
//!
//! The bootstrap (`bootstrap.js`) decodes the base64 with one `atob` (or `Uint8Array.fromBase64`),
//! inflates it with the browser's own `DecompressionStream("deflate")` and compiles the module as it
//! streams in (`WebAssembly.instantiateStreaming`): deflated, the page is about half the size, and
//! gzip on the wire can no longer shrink it much.
//!
//! The data blocks are not covered by the CSP hashes, so a plan can be embedded (or replaced)
//! without touching the policy. In the running page the parts can be read back from the DOM
//! (`textContent` of the elements above) to build the same page again with another plan.

use anyhow::{bail, Context as _, Result};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::num::NonZeroU64;

/// The CSP meta's `content`.
pub const CSP_MARKER: &str = "{{ZHIBIAO_CSP}}";
/// The content of `<style id="zhibiao-style">`.
pub const CSS_MARKER: &str = "{{ZHIBIAO_CSS}}";
/// The content of `<script type="application/octet-stream" id="zhibiao-wasm">`.
pub const WASM_MARKER: &str = "{{ZHIBIAO_WASM}}";
/// The content of `<script type="application/json" id="zhibiao-plan">`.
pub const PLAN_MARKER: &str = "{{ZHIBIAO_PLAN}}";
/// The content of `<script type="module" id="zhibiao-boot">`.
pub const SCRIPT_MARKER: &str = "{{ZHIBIAO_SCRIPT}}";

/// What goes into the page.
pub struct Parts<'a> {
    /// The whole stylesheet.
    pub css: &'a str,
    /// The module script: glue and bootstrap (see [`module_script`]).
    pub script: &'a str,
    /// The wasm module's bytes ([`assemble`] deflates them; [`assemble_deflated`] takes them deflated).
    pub wasm: &'a [u8],
    /// A plan to embed, as JSON; `None` leaves the plan block empty.
    pub plan_json: Option<&'a str>,
}

/// Fills `template` with `parts`, computing the Content-Security-Policy for exactly that content;
/// deflates the wasm first ([`deflate_wasm`], a few seconds for the app's module).
///
/// # Errors
///
/// When a marker is missing, repeated or not the whole content of its element, or when a part
/// would end its element early (`</style`, `</script`, `<!--`).
pub fn assemble(template: &str, parts: &Parts<'_>) -> Result<String> {
    let deflated = deflate_wasm(parts.wasm)?;
    assemble_deflated(
        template,
        &Parts {
            wasm: &deflated,
            ..*parts
        },
    )
}

/// [`assemble`] with `parts.wasm` already deflated by [`deflate_wasm`] (`cargo xtask dist` keeps
/// the result from one build to the next).
///
/// # Errors
///
/// As [`assemble`].
pub fn assemble_deflated(template: &str, parts: &Parts<'_>) -> Result<String> {
    let css = normalize(parts.css);
    let script = normalize(parts.script);
    check_raw_text("CSS", &css, "</style")?;
    check_raw_text("module script", &script, "</script")?;
    check_raw_text("module script", &script, "<!--")?;
    check_element_markers(template)?;

    let policy = csp(&sha256_source(&script), &sha256_source(&css));
    let wasm = base64::engine::general_purpose::STANDARD.encode(parts.wasm);
    let plan = parts
        .plan_json
        .map(escape_json_for_html)
        .unwrap_or_default();
    fill(
        template,
        &[
            (CSP_MARKER, policy.as_str()),
            (CSS_MARKER, css.as_str()),
            (WASM_MARKER, wasm.as_str()),
            (PLAN_MARKER, plan.as_str()),
            (SCRIPT_MARKER, script.as_str()),
        ],
    )
}

/// The zopfli iterations of [`deflate_wasm`]: on the app's module 15 (zopfli's default) save a few
/// dozen bytes more at twice the time, and 1 writes 0.2 % more.
pub const ZOPFLI_ITERATIONS: u64 = 5;

/// Describes [`deflate_wasm`]'s output, with [`ZOPFLI_ITERATIONS`] (a cache key for the build).
pub const DEFLATE_SETTINGS: &str = "zopfli 0.8, zlib format";

/// The wasm module as the page holds it before base64: deflated in the zlib format (RFC 1950),
/// which the bootstrap inflates with `DecompressionStream("deflate")`. zopfli writes about 3.5 %
/// fewer bytes than zlib at level 9; the zlib format costs 6 bytes more than raw deflate, carries
/// a checksum, and `DecompressionStream` has read it for longer (Chromium 80 against 103).
///
/// # Errors
///
/// When zopfli fails, which it does only on a write error (a `Vec` has none).
pub fn deflate_wasm(wasm: &[u8]) -> Result<Vec<u8>> {
    let options = zopfli::Options {
        iteration_count: NonZeroU64::new(ZOPFLI_ITERATIONS).unwrap_or(NonZeroU64::MIN),
        ..zopfli::Options::default()
    };
    let mut out = Vec::with_capacity(wasm.len() / 2 + 64);
    zopfli::compress(options, zopfli::Format::Zlib, wasm, &mut out)
        .context("could not deflate the wasm module")?;
    Ok(out)
}

/// The page's Content-Security-Policy: nothing may be fetched from anywhere, only the one inline
/// module script (by hash) runs, and it may compile WebAssembly.
///
/// `worker-src blob:` lets the page start its export worker from its own module script (see
/// `src/ui/worker.rs`); only the page's scripts can make such a URL.
///
/// `style-src-attr 'unsafe-inline'` lets the app set `style="…"` attributes (column widths, chart
/// bars); it allows no stylesheet and no request.
pub fn csp(script_hash: &str, style_hash: &str) -> String {
    [
        "default-src 'none'".to_string(),
        format!("script-src '{script_hash}' 'wasm-unsafe-eval'"),
        format!("style-src '{style_hash}'"),
        "style-src-attr 'unsafe-inline'".to_string(),
        "worker-src blob:".to_string(),
        "img-src data: blob:".to_string(),
        "font-src data:".to_string(),
        "connect-src 'none'".to_string(),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
        "form-action 'none'".to_string(),
    ]
    .join("; ")
}

/// The CSP hash source of an inline element's text: `sha256-<base64>`.
pub fn sha256_source(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's one module script: the wasm-bindgen glue (target `web`) without its `export`s,
/// then the bootstrap that decodes the inlined wasm and calls the glue's init with it.
///
/// Without `export`s the same text also runs as a classic script, which is how the page starts
/// its export worker (`src/ui/worker.rs`): Chromium cannot start a module worker from a `blob:`
/// URL of a page opened from `file://`, and the app must work from `file://`. The bootstrap
/// calls the glue's functions by name, in the same scope.
///
/// # Errors
///
/// When the glue does not define the functions the bootstrap calls, or has module syntax left
/// after its `export`s are removed (a wasm-bindgen version this was not written for).
pub fn module_script(glue: &str) -> Result<String> {
    // The bootstrap calls these two by name (the second in the export worker).
    for function in ["__wbg_init", "export_in_worker"] {
        if !glue.contains(&format!("function {function}(")) {
            bail!(
                "the wasm-bindgen glue has no `function {function}(`: the bootstrap \
                 (xtask/src/bootstrap.js) must be adapted to this wasm-bindgen version or app"
            );
        }
    }
    let classic = without_exports(glue)?;
    Ok(format!(
        "{}\n{}",
        classic.trim_end(),
        include_str!("bootstrap.js").trim_end()
    ))
}

/// The glue with `export` dropped from its declarations and its `export { … };` lists removed.
///
/// # Errors
///
/// When a line still begins a module-only statement (`import`, `export`) or uses `import.meta`.
fn without_exports(glue: &str) -> Result<String> {
    let mut out = String::with_capacity(glue.len());
    for line in glue.lines() {
        if line.starts_with("export {") && line.trim_end().ends_with("};") {
            continue;
        }
        let line = ["class ", "function ", "async function ", "const ", "let "]
            .iter()
            .find_map(|decl| {
                line.strip_prefix("export ")
                    .filter(|rest| rest.starts_with(decl))
            })
            .unwrap_or(line);
        if line.starts_with("export ")
            || line.starts_with("import ")
            || line.contains("import.meta")
        {
            bail!(
                "the wasm-bindgen glue has module syntax the export worker cannot run as a \
                 classic script: `{line}` (xtask/src/html.rs, without_exports)"
            );
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Text as the HTML parser will hand it to CSP: no byte order mark, LF line ends.
fn normalize(text: &str) -> String {
    text.trim_start_matches('\u{feff}')
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// Fails when `text` contains `forbidden` (case-insensitively), which would break out of its element.
fn check_raw_text(what: &str, text: &str, forbidden: &str) -> Result<()> {
    if text.to_ascii_lowercase().contains(forbidden) {
        bail!("the {what} contains `{forbidden}`, which cannot be inlined in the page");
    }
    Ok(())
}

/// Each element marker must be the whole content of its element, or the hash would not match.
fn check_element_markers(template: &str) -> Result<()> {
    for (marker, closing) in [
        (CSS_MARKER, "</style>"),
        (WASM_MARKER, "</script>"),
        (PLAN_MARKER, "</script>"),
        (SCRIPT_MARKER, "</script>"),
    ] {
        if !template.contains(&format!(">{marker}{closing}")) {
            bail!("index.html: `{marker}` must be the whole content of its element (`>{marker}{closing}`)");
        }
    }
    Ok(())
}

/// In JSON, `<` occurs only inside strings, where `\u003c` means the same: no `</script>` can appear.
fn escape_json_for_html(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Replaces each marker, which must occur exactly once, in one pass over the template (so filled-in
/// text is never searched for markers).
fn fill(template: &str, pairs: &[(&str, &str)]) -> Result<String> {
    let mut found = Vec::with_capacity(pairs.len());
    for &(marker, value) in pairs {
        let mut hits = template.match_indices(marker).map(|(at, _)| at);
        let Some(at) = hits.next() else {
            bail!("index.html: the marker `{marker}` is missing");
        };
        if hits.next().is_some() {
            bail!("index.html: the marker `{marker}` occurs more than once");
        }
        found.push((at, marker.len(), value));
    }
    found.sort_by_key(|&(at, _, _)| at);

    let extra: usize = found.iter().map(|&(_, _, value)| value.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut from = 0;
    for (at, len, value) in found {
        out.push_str(&template[from..at]);
        out.push_str(value);
        from = at + len;
    }
    out.push_str(&template[from..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = include_str!("../../index.html");

    fn parts<'a>(plan_json: Option<&'a str>) -> Parts<'a> {
        Parts {
            css: "body { color: red }\r\n",
            script: "function __wbg_init() {}\n",
            wasm: b"\0asm",
            plan_json,
        }
    }

    #[test]
    fn fills_every_marker_and_hashes_exact_content() {
        let page = assemble(TEMPLATE, &parts(None)).unwrap();
        assert!(!page.contains("{{ZHIBIAO_"));
        assert_eq!(inlined_wasm(&page), b"\0asm");
        let css_hash = sha256_source("body { color: red }\n");
        let script_hash = sha256_source("function __wbg_init() {}\n");
        assert!(page.contains(&format!("style-src '{css_hash}'")));
        assert!(page.contains(&format!("script-src '{script_hash}' 'wasm-unsafe-eval'")));
    }

    /// The wasm block of a page, decoded and inflated as the bootstrap does.
    fn inlined_wasm(page: &str) -> Vec<u8> {
        use std::io::Read as _;
        let open = r#"<script type="application/octet-stream" id="zhibiao-wasm">"#;
        let start = page.find(open).unwrap() + open.len();
        let text = &page[start..start + page[start..].find("</script>").unwrap()];
        let deflated = base64::engine::general_purpose::STANDARD
            .decode(text)
            .unwrap();
        let mut wasm = Vec::new();
        flate2::read::ZlibDecoder::new(deflated.as_slice())
            .read_to_end(&mut wasm)
            .unwrap();
        wasm
    }

    #[test]
    fn the_wasm_is_deflated_in_the_zlib_format() {
        let module: Vec<u8> = (0..50_000u32)
            .flat_map(|i| (i % 251).to_le_bytes())
            .collect();
        let deflated = deflate_wasm(&module).unwrap();
        assert!(
            deflated.len() < module.len() / 10,
            "{} bytes",
            deflated.len()
        );
        // RFC 1950: CM = 8 (deflate), and the header is a multiple of 31.
        assert_eq!(deflated[0] & 0x0f, 8);
        assert_eq!(u16::from_be_bytes([deflated[0], deflated[1]]) % 31, 0);
        let page = assemble(
            TEMPLATE,
            &Parts {
                wasm: &module,
                ..parts(None)
            },
        )
        .unwrap();
        assert_eq!(inlined_wasm(&page), module);
        // assemble_deflated inlines what it is given.
        let again = assemble_deflated(
            TEMPLATE,
            &Parts {
                wasm: &deflated,
                ..parts(None)
            },
        )
        .unwrap();
        assert_eq!(again, page);
    }

    #[test]
    fn known_hash() {
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(
            sha256_source("alert(1)"),
            "sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI="
        );
    }

    #[test]
    fn embeds_a_plan_without_a_closing_tag() {
        let page = assemble(TEMPLATE, &parts(Some(r#"{"title":"</script>"}"#))).unwrap();
        assert!(page.contains(r#"{"title":"\u003c/script>"}"#));
    }

    #[test]
    fn rejects_text_that_would_close_its_element() {
        let bad = Parts {
            css: "a::after { content: '</style>' }",
            ..parts(None)
        };
        assert!(assemble(TEMPLATE, &bad).is_err());
    }

    #[test]
    fn rejects_missing_or_repeated_markers() {
        assert!(assemble("<html></html>", &parts(None)).is_err());
        let twice = format!("{TEMPLATE}{CSP_MARKER}");
        assert!(assemble(&twice, &parts(None)).is_err());
    }

    #[test]
    fn filled_values_are_not_searched_for_markers() {
        let sneaky = Parts {
            css: "/* {{ZHIBIAO_WASM}} */",
            ..parts(None)
        };
        let page = assemble(TEMPLATE, &sneaky).unwrap();
        assert!(page.contains("/* {{ZHIBIAO_WASM}} */"));
    }

    #[test]
    fn the_module_script_needs_the_glue_functions_the_bootstrap_calls() {
        let glue = "export class Source {}\nasync function __wbg_init(m) {}\n\
                    export function export_in_worker(j) {}\nexport { initSync, __wbg_init as default };\n";
        let script = module_script(glue).unwrap();
        assert!(script.starts_with(
            "class Source {}\nasync function __wbg_init(m) {}\nfunction export_in_worker(j) {}\n"
        ));
        assert!(!script.contains("export {"), "no export list: {script}");
        assert!(
            script.contains("serveExport"),
            "the bootstrap follows the glue"
        );
        assert!(module_script("async function __wbg_init(m) {}").is_err());
        assert!(module_script("export function export_in_worker(j) {}").is_err());
    }

    #[test]
    fn glue_with_other_module_syntax_is_refused() {
        let with = |line: &str| {
            format!("async function __wbg_init(m) {{}}\nexport function export_in_worker(j) {{}}\n{line}\n")
        };
        for line in [
            "import * as snippet from './snippet.js';",
            "export default __wbg_init;",
            "const url = new URL('x.wasm', import.meta.url);",
        ] {
            assert!(module_script(&with(line)).is_err(), "{line}");
        }
        assert!(module_script(&with("const exported = 1;")).is_ok());
    }

    #[test]
    fn the_policy_lets_the_page_start_its_worker_from_a_blob_only() {
        let policy = csp("sha256-a", "sha256-b");
        assert!(policy.contains("worker-src blob:;"), "{policy}");
        assert!(policy.contains("default-src 'none'"));
    }
}
