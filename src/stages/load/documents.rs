//! Reads an authority's local documents: each file under `documents/`
//! paired by name with its description (`carers-leaflet.pdf` with
//! `carers-leaflet.yaml`), and from each file's bytes what the sign-off
//! rules need: its size, whether it starts as a PDF or a zip archive, the
//! names of the files inside a zip, and the author its own properties name.
//!
//! It only reads: whether a document may be published (its type, size,
//! author, review) is decided by `analyses::documents`. A description that
//! cannot be parsed is reported here, with its document left out.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::model::authority::{Description, Document, DocumentFile, Magic, MAX_DOCUMENT_BYTES};
use crate::support::diagnostic::{display_path, Diagnostic, Diagnostics};
use crate::support::source::{self, read_source};

/// The documents under `dir` (an authority's `documents/` folder), by id.
pub fn load(root: &Path, dir: &Path, diagnostics: &Diagnostics) -> Vec<Document> {
    let mut found: BTreeMap<String, Document> = BTreeMap::new();
    let mut unparsed = Vec::new();
    for entry in source::walk(root, dir, diagnostics) {
        if entry.kind != source::WalkedKind::File || entry.name.starts_with('.') {
            continue;
        }
        let shown = display_path(root, &entry.path);
        if entry.name.contains('/') {
            diagnostics.push(
                Diagnostic::error("document-in-folder", "this file is in a folder inside `documents/`, where Handbook does not look for documents")
                    .in_path(shown)
                    .hint("move it (and its description) straight into the authority's `documents/` folder"),
            );
            continue;
        }
        let (id, extension) = match entry.name.rsplit_once('.') {
            Some((id, ext)) => (id.to_string(), ext.to_ascii_lowercase()),
            None => (entry.name.clone(), String::new()),
        };
        if let Some(why) = crate::support::names::unsafe_name(&entry.name).or_else(|| {
            (!crate::text::markdown::is_valid_id(&id))
                .then(|| "its name (before the extension) is not an id".to_string())
        }) {
            diagnostics.push(
                Diagnostic::error("unsafe-file-name", format!("this document cannot be published under its name: {why}"))
                    .in_path(shown)
                    .hint("name it with lowercase letters, digits and single hyphens, such as `carers-leaflet.pdf`: the name is its id, which pages link to with `[[doc:carers-leaflet]]`"),
            );
            continue;
        }
        let document = found.entry(id.clone()).or_insert_with(|| Document {
            id: id.clone(),
            description: None,
            files: Vec::new(),
        });
        if extension == "yaml" {
            match read_source(root, &entry.path).and_then(Description::parse) {
                Ok(description) => document.description = Some(description),
                Err(d) => {
                    diagnostics.push(d);
                    unparsed.push(id);
                }
            }
            continue;
        }
        match read_file(&entry.path, shown.clone(), entry.name.clone(), extension) {
            Ok(file) => document.files.push(file),
            Err(e) => diagnostics.push(
                Diagnostic::error("unreadable", format!("cannot read this document: {e}"))
                    .in_path(shown)
                    .hint("check the file's permissions"),
            ),
        }
    }
    // A document whose description has its own error is not also reported
    // as having none.
    for id in unparsed {
        found.remove(&id);
    }
    found.into_values().collect()
}

/// Reads one document file: its size, and from its bytes what it is, what
/// it holds and who it names as its author. A file over four times the
/// size limit is not read through (it is refused for its size anyway).
fn read_file(
    path: &Path,
    shown: String,
    name: String,
    extension: String,
) -> std::io::Result<DocumentFile> {
    let size = std::fs::metadata(path)?.len();
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_DOCUMENT_BYTES * 4)
        .read_to_end(&mut bytes)?;
    let magic = if bytes.starts_with(b"%PDF-") {
        Magic::Pdf
    } else if bytes.starts_with(b"PK\x03\x04") {
        Magic::Zip
    } else {
        Magic::Other
    };
    let entries = if magic == Magic::Zip {
        zip_entries(&bytes)
    } else {
        Vec::new()
    };
    let author = match magic {
        Magic::Pdf => pdf_author(&bytes),
        Magic::Zip => office_author(&bytes, &entries),
        Magic::Other => None,
    };
    Ok(DocumentFile {
        path: path.to_path_buf(),
        shown,
        name,
        extension,
        size,
        magic,
        inside: entries.into_iter().map(|e| e.name).collect(),
        author,
    })
}

/// The text of a PDF's `/Author` property (in its document information),
/// if it gives one that is not empty: a literal string `(…)` or a
/// hexadecimal one `<…>`, in PDFDocEncoding or UTF-16 with its byte-order
/// mark. Only an unencrypted, uncompressed information dictionary is read,
/// as PDF writers leave it.
pub(super) fn pdf_author(bytes: &[u8]) -> Option<String> {
    let key = b"/Author";
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&bytes[from..], key) {
        let start = from + at + key.len();
        from = start;
        let rest = &bytes[start..];
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let raw = match rest.get(skip) {
            Some(b'(') => literal_string(&rest[skip + 1..]),
            Some(b'<') => hex_string(&rest[skip + 1..]),
            _ => continue,
        };
        let text = decode_pdf_text(&raw);
        let text = text.trim();
        if !text.is_empty() {
            return Some(text.to_string());
        }
    }
    None
}

/// The bytes of a PDF literal string whose `(` has been read: nested
/// brackets kept, escapes undone.
fn literal_string(rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < rest.len() && out.len() < 1024 {
        let b = rest[i];
        match b {
            b'\\' => {
                i += 1;
                match rest.get(i) {
                    Some(b'n') => out.push(b'\n'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'0'..=b'7') => {
                        let digits: Vec<u8> = rest[i..]
                            .iter()
                            .take(3)
                            .take_while(|c| (b'0'..=b'7').contains(c))
                            .copied()
                            .collect();
                        let value = digits.iter().fold(0u32, |v, c| v * 8 + u32::from(c - b'0'));
                        out.push(value as u8);
                        i += digits.len() - 1;
                    }
                    Some(other) => out.push(*other),
                    None => break,
                }
            }
            b'(' => {
                depth += 1;
                out.push(b);
            }
            b')' if depth == 0 => break,
            b')' => {
                depth -= 1;
                out.push(b);
            }
            _ => out.push(b),
        }
        i += 1;
    }
    out
}

/// The bytes of a PDF hexadecimal string whose `<` has been read.
fn hex_string(rest: &[u8]) -> Vec<u8> {
    let digits: Vec<u8> = rest
        .iter()
        .take_while(|&&b| b != b'>')
        .filter(|b| b.is_ascii_hexdigit())
        .take(2048)
        .map(|&b| (b as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    digits
        .chunks(2)
        .map(|pair| pair[0] * 16 + pair.get(1).copied().unwrap_or(0))
        .collect()
}

/// A PDF text string as text: UTF-16 big-endian after its byte-order
/// mark, else one character a byte.
fn decode_pdf_text(raw: &[u8]) -> String {
    if let Some(units) = raw.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = units
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    raw.iter().map(|&b| char::from(b)).collect()
}

/// One file inside a zip archive, as its central directory lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ZipEntry {
    /// Its path inside the archive.
    pub(super) name: String,
    /// How it is stored: 0 as it is, 8 deflated.
    method: u16,
    /// Its size in the archive.
    compressed: usize,
    /// Where its local header starts.
    local_header: usize,
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The files a zip archive's central directory lists (found from its end
/// record, within the last 64 KB and 22 bytes). A damaged archive gives
/// those listed before the damage.
pub(super) fn zip_entries(bytes: &[u8]) -> Vec<ZipEntry> {
    let earliest = bytes.len().saturating_sub(22 + 65_535);
    let Some(end) = (earliest..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
    else {
        return Vec::new();
    };
    let count = u16_at(bytes, end + 10).unwrap_or(0);
    let mut at = u32_at(bytes, end + 16).unwrap_or(usize::MAX);
    let mut entries = Vec::new();
    for _ in 0..count {
        let header = bytes.get(at..).unwrap_or_default();
        if !header.starts_with(b"PK\x01\x02") {
            break;
        }
        let (
            Some(method),
            Some(compressed),
            Some(name_len),
            Some(extra),
            Some(comment),
            Some(local),
        ) = (
            u16_at(header, 10),
            u32_at(header, 20),
            u16_at(header, 28),
            u16_at(header, 30),
            u16_at(header, 32),
            u32_at(header, 42),
        )
        else {
            break;
        };
        let Some(name) = header.get(46..46 + usize::from(name_len)) else {
            break;
        };
        entries.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            method,
            compressed,
            local_header: local,
        });
        at += 46 + usize::from(name_len) + usize::from(extra) + usize::from(comment);
    }
    entries
}

/// The bytes of one file inside a zip archive (stored or deflated), up to 1 MB.
fn zip_contents(bytes: &[u8], entry: &ZipEntry) -> Option<Vec<u8>> {
    let header = bytes.get(entry.local_header..)?;
    if !header.starts_with(b"PK\x03\x04") {
        return None;
    }
    let start = 30 + usize::from(u16_at(header, 26)?) + usize::from(u16_at(header, 28)?);
    let data = header.get(start..start.checked_add(entry.compressed)?)?;
    match entry.method {
        0 => Some(data.iter().take(1 << 20).copied().collect()),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(data)
                .take(1 << 20)
                .read_to_end(&mut out)
                .ok()?;
            Some(out)
        }
        _ => None,
    }
}

/// The author an office file's properties name: `dc:creator` in
/// `docProps/core.xml` (Word, Excel) or in `meta.xml` (OpenDocument), or
/// OpenDocument's `meta:initial-creator`.
fn office_author(bytes: &[u8], entries: &[ZipEntry]) -> Option<String> {
    let entry = entries
        .iter()
        .find(|e| e.name == "docProps/core.xml" || e.name == "meta.xml")?;
    let xml = String::from_utf8_lossy(&zip_contents(bytes, entry)?).into_owned();
    ["dc:creator", "meta:initial-creator"]
        .iter()
        .find_map(|tag| element_text(&xml, tag))
}

/// The text of the first `<tag …>text</tag>` in `xml`, unescaped, if not empty.
fn element_text(xml: &str, tag: &str) -> Option<String> {
    let open = xml.find(&format!("<{tag}"))?;
    let body_start = open + xml[open..].find('>')? + 1;
    if xml[..body_start].ends_with("/>") {
        return None;
    }
    let body_end = body_start + xml[body_start..].find(&format!("</{tag}>"))?;
    let text = xml[body_start..body_end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_author_is_read_as_written_or_in_hexadecimal() {
        assert_eq!(
            pdf_author(b"%PDF-1.4\n<< /Title (T) /Author (A \\(Team\\) lead) >>").as_deref(),
            Some("A (Team) lead")
        );
        assert_eq!(
            pdf_author(b"%PDF-1.4\n<</Author<FEFF0041006C0069>>>").as_deref(),
            Some("Ali")
        );
        assert_eq!(pdf_author(b"%PDF-1.4\n<< /Author () >>"), None);
        assert_eq!(pdf_author(b"%PDF-1.4\n<< /Title (x) >>"), None);
    }

    /// A zip archive of stored files, written as the format says.
    pub(crate) fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in files {
            let offset = out.len() as u32;
            let header = |sig: &[u8], central: bool| {
                let mut h = sig.to_vec();
                if central {
                    h.extend(20u16.to_le_bytes());
                }
                h.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                h.extend(0u32.to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend((data.len() as u32).to_le_bytes());
                h.extend((name.len() as u16).to_le_bytes());
                h.extend(0u16.to_le_bytes());
                if central {
                    h.extend([0u8; 10]);
                    h.extend(offset.to_le_bytes());
                }
                h.extend(name.as_bytes());
                h
            };
            out.extend(header(b"PK\x03\x04", false));
            out.extend(*data);
            central.extend(header(b"PK\x01\x02", true));
        }
        let at = out.len() as u32;
        let size = central.len() as u32;
        out.extend(&central);
        out.extend(b"PK\x05\x06");
        out.extend([0u8; 4]);
        out.extend((files.len() as u16).to_le_bytes());
        out.extend((files.len() as u16).to_le_bytes());
        out.extend(size.to_le_bytes());
        out.extend(at.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }

    #[test]
    fn a_zip_lists_its_files_and_an_office_file_its_creator() {
        let core = b"<cp:coreProperties><dc:creator>A Person</dc:creator></cp:coreProperties>";
        let zip = stored_zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/vbaProject.bin", b"macro"),
            ("docProps/core.xml", core),
        ]);
        let entries = zip_entries(&zip);
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "word/vbaProject.bin",
                "docProps/core.xml"
            ]
        );
        assert_eq!(office_author(&zip, &entries).as_deref(), Some("A Person"));
        assert!(zip_entries(b"PK\x03\x04 not a whole archive").is_empty());
    }

    #[test]
    fn a_deflated_properties_file_is_read_as_office_programs_write_it() {
        use std::io::Write;
        let core = b"<cp:coreProperties><dc:creator>A Person</dc:creator></cp:coreProperties>";
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(core).unwrap();
        let deflated = encoder.finish().unwrap();
        let mut zip = stored_zip(&[("docProps/core.xml", &deflated)]);
        // Mark the file as deflated (method 8) in both its headers.
        zip[8] = 8;
        let central = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        zip[central + 10] = 8;
        let entries = zip_entries(&zip);
        assert_eq!(office_author(&zip, &entries).as_deref(), Some("A Person"));
    }
}
