//! What a file is, told from its first bytes (never from its name): a zip package, a compound
//! file, HTML, SpreadsheetML 2003 or text, and the kinds we name but do not read (PDF, images,
//! RTF, Excel 2–4, other OpenDocument packages). Nothing here parses more than a head.

use super::{find, html, xml2003};
use crate::error::ImportError;
use crate::io::read::xls::CFB_MAGIC;
use std::io::Cursor;

/// What the first bytes say the file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sniffed {
    Zip,
    Cfb,
    Text,
    Html,
    Xml2003,
}

pub(super) fn sniff(bytes: &[u8]) -> Result<Sniffed, ImportError> {
    let not = |what| Err(ImportError::NotAWorkbook { what });
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(Sniffed::Zip);
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return Ok(Sniffed::Cfb);
    }
    if let Some(version) = old_excel(bytes) {
        return Err(ImportError::OldExcel { version });
    }
    if bytes.starts_with(b"%PDF") {
        return not("PDF");
    }
    if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
    {
        return not("图片 / image");
    }
    if bytes.starts_with(b"{\\rtf") {
        return not("RTF");
    }
    let head = text_head(bytes);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if xml2003::looks_like_xml2003(head) {
        return Ok(Sniffed::Xml2003);
    }
    if html::looks_like_html(head) {
        return Ok(Sniffed::Html);
    }
    if head.starts_with("<?xml") {
        return not("XML");
    }
    if looks_binary(bytes) {
        return not("二进制 / binary");
    }
    Ok(Sniffed::Text)
}

/// Excel 2.x–4.0 files are a bare stream of BIFF records (no compound file): a BOF record of
/// type 0x0009 (BIFF2), 0x0209 (BIFF3) or 0x0409 (BIFF4) with its length of 4 to 16 bytes.
fn old_excel(bytes: &[u8]) -> Option<&'static str> {
    let (typ, len) = (bytes.get(..2)?, *bytes.get(2)?);
    if bytes.get(3) != Some(&0) || !(4..=16).contains(&len) {
        return None;
    }
    match typ {
        [0x09, 0x00] => Some("Excel 2.x"),
        [0x09, 0x02] => Some("Excel 3.0"),
        [0x09, 0x04] => Some("Excel 4.0"),
        _ => None,
    }
}

/// The first KiB as lower-case text (UTF-16 with a BOM decoded), for sniffing.
fn text_head(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(1024)];
    let text = match encoding_rs::Encoding::for_bom(head) {
        Some((enc, bom)) if enc != encoding_rs::UTF_8 => enc
            .decode_without_bom_handling(head.get(bom..).unwrap_or_default())
            .0
            .into_owned(),
        _ => String::from_utf8_lossy(head).into_owned(),
    };
    text.to_ascii_lowercase()
}

/// A NUL byte in the first KiB, outside UTF-16 text, marks a binary file.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    !utf16 && head.contains(&0) && !looks_utf16_without_bom(head)
}

fn looks_utf16_without_bom(head: &[u8]) -> bool {
    utf16_without_bom(head).is_some()
}

/// UTF-16 with no BOM, told by its NULs: the high bytes of ASCII characters are NUL, after the
/// low byte in little-endian text, before it in big-endian text.
pub(super) fn utf16_without_bom(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let zero_odd = head.chunks_exact(2).filter(|p| p[1] == 0).count();
    let zero_even = head.chunks_exact(2).filter(|p| p[0] == 0).count();
    if zero_odd * 10 >= pairs * 3 && zero_odd > zero_even {
        Some(encoding_rs::UTF_16LE)
    } else if zero_even * 10 >= pairs * 3 && zero_even > zero_odd {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether a zip is an OpenDocument package by its parts (a root `content.xml`, no `xl/`
/// workbook): `Some(true)` for a spreadsheet (or when nothing says otherwise), `Some(false)` when
/// its manifest or `mimetype` names another OpenDocument kind, `None` when it is no
/// OpenDocument package.
pub(super) fn opendocument_kind(bytes: &[u8]) -> Option<bool> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .flatten()
        .map(|n| n.replace('\\', "/").to_ascii_lowercase())
        .collect();
    if !names.iter().any(|n| n == "content.xml")
        || names
            .iter()
            .any(|n| n.starts_with("xl/") || n.starts_with("word/"))
    {
        return None;
    }
    for part in ["mimetype", "META-INF/manifest.xml"] {
        if let Ok(file) = zip.by_name(part) {
            let mut text = Vec::new();
            file.take(64 * 1024).read_to_end(&mut text).ok()?;
            if find(&text, b"opendocument.spreadsheet") {
                return Some(true);
            }
            if find(&text, b"opendocument.") {
                return Some(false);
            }
        }
    }
    Some(true)
}
