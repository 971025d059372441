//! Small document files written byte by byte, as their formats say: a
//! tagged one-page PDF of a heading and paragraphs (the demonstration
//! councils' documents are made with it), and a zip archive of stored
//! files (an office file, or one with macros, for the sign-off tests).

/// Escapes text for a PDF literal string (`(…)`), which here holds ASCII only.
fn literal(text: &str) -> String {
    assert!(text.is_ascii(), "write PDF text in ASCII: {text}");
    text.replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)")
}

/// `text` broken into lines of at most `width` characters, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.len() + 1 + word.len() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// A one-page A4 PDF in British English: `title` as its heading (and its
/// title in its properties), then `paragraphs`, in Helvetica. It is tagged
/// (a heading and a paragraph element for each, in reading order) so that
/// screen readers read it as a document. `author`, when given, is written
/// in its properties.
pub fn pdf(title: &str, author: Option<&str>, paragraphs: &[&str]) -> Vec<u8> {
    // Content: one marked-content sequence for each structure element.
    let mut stream = String::new();
    let mut y = 780;
    let mut elements = vec![("H1", title.to_string(), 18, 26)];
    elements.extend(paragraphs.iter().map(|p| ("P", p.to_string(), 11, 15)));
    for (mcid, (tag, text, size, leading)) in elements.iter().enumerate() {
        let width = if *size > 12 { 48 } else { 90 };
        stream.push_str(&format!(
            "/{tag} <</MCID {mcid}>> BDC\nBT /F1 {size} Tf {leading} TL 56 {y} Td\n"
        ));
        for line in wrap(text, width) {
            stream.push_str(&format!("({}) Tj T*\n", literal(&line)));
            y -= leading;
        }
        stream.push_str("ET\nEMC\n");
        y -= 10;
    }
    assert!(y > 40, "the text does not fit on one page");
    let count = elements.len();
    // Objects: 1 catalog, 2 pages, 3 page, 4 font, 5 content, 6 info,
    // 7 structure tree root, 8 document element, 9.. one for each element.
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 9 + i)).collect();
    let mut author_entry = String::new();
    if let Some(author) = author {
        author_entry = format!(" /Author ({})", literal(author));
    }
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) /MarkInfo << /Marked true >> /StructTreeRoot 7 0 R /ViewerPreferences << /DisplayDocTitle true >> >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R /StructParents 0 /Tabs /S >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}endstream", stream.len()),
        format!("<< /Title ({}){author_entry} /Producer (Handbook test files) >>", literal(title)),
        format!("<< /Type /StructTreeRoot /K [8 0 R] /ParentTree << /Nums [0 [{}]] >> >>", kids.join(" ")),
        format!("<< /Type /StructElem /S /Document /P 7 0 R /K [{}] >>", kids.join(" ")),
    ];
    for (mcid, (tag, ..)) in elements.iter().enumerate() {
        objects.push(format!(
            "<< /Type /StructElem /S /{tag} /P 8 0 R /Pg 3 0 R /K {mcid} >>"
        ));
    }
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).into_bytes());
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        table.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.extend(table.into_bytes());
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}

/// A zip archive of `files`, each stored as it is (not compressed).
pub fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let header = |signature: &[u8], in_directory: bool| {
            let mut h = signature.to_vec();
            if in_directory {
                h.extend(20u16.to_le_bytes()); // made by
            }
            // version needed, flags, method (stored), time, date
            h.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            h.extend(crc32(data).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra field
            if in_directory {
                h.extend([0u8; 10]); // comment, disk, attributes
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
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((files.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// The CRC-32 a zip archive records of each file.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A Word file (`.docx`) of one paragraph, its properties naming
/// `creator` when given, and with a macro project when `macros` is set.
pub fn docx(text: &str, creator: Option<&str>, macros: bool) -> Vec<u8> {
    let types = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let rels = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    );
    let core = creator.map(|c| format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{c}</dc:creator></cp:coreProperties>"#));
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels),
        ("word/document.xml", document.as_bytes()),
    ];
    if let Some(core) = &core {
        files.push(("docProps/core.xml", core.as_bytes()));
    }
    if macros {
        files.push(("word/vbaProject.bin", b"not a real macro project"));
    }
    stored_zip(&files)
}
