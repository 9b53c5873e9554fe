//! Unpacking Outlook's TNEF (`winmail.dat`, `application/ms-tnef`).
//!
//! Outlook and Exchange sometimes wrap a message's attachments in one TNEF
//! part that no other mail client opens. The format (MS-OXTNEF) is a
//! signature and a run of attributes: a level byte (1 message, 2
//! attachment), a 32-bit id, a length, the data and a 16-bit checksum. Each
//! attachment starts with `attAttachRendData` and carries its bytes
//! (`attAttachData`), an 8.3 title (`attAttachTitle`) and a block of MAPI
//! properties (`attAttachment`) with the real long filename, MIME type and
//! Content-ID.
//!
//! Everything is bounds-checked: a damaged stream yields the files read so
//! far and an error saying where it broke, never a panic.

use encoding_rs::Encoding;

use crate::model::Attachment;

/// One file found inside a TNEF stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TnefFile {
    /// The long filename (MAPI `PR_ATTACH_LONG_FILENAME`), else the display
    /// name, else the 8.3 title.
    pub filename: Option<String>,
    /// `PR_ATTACH_MIME_TAG`, lowercased, when the sender's client set one.
    pub content_type: Option<String>,
    /// `PR_ATTACH_CONTENT_ID`, without angle brackets.
    pub content_id: Option<String>,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// What was read from a TNEF stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tnef {
    /// The files, in stream order. Attachments without data (embedded
    /// Outlook items, OLE objects) are skipped.
    pub files: Vec<TnefFile>,
    /// Set when the stream is damaged: why reading stopped. `files` then
    /// holds what came before the damage.
    pub error: Option<String>,
}

const SIGNATURE: u32 = 0x223E_9F78;
const LEVEL_MESSAGE: u8 = 1;
const LEVEL_ATTACHMENT: u8 = 2;

// Attribute ids (the low 16 bits; the high 16 are the attribute's type).
const ATT_OEM_CODEPAGE: u16 = 0x9007;
const ATT_ATTACH_REND_DATA: u16 = 0x9002;
const ATT_ATTACH_DATA: u16 = 0x800F;
const ATT_ATTACH_TITLE: u16 = 0x8010;
const ATT_ATTACH_TRANSPORT_FILENAME: u16 = 0x9001;
const ATT_ATTACHMENT: u16 = 0x9005;

// MAPI property ids and types.
const PR_DISPLAY_NAME: u16 = 0x3001;
const PR_ATTACH_DATA: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_ATTACH_MIME_TAG: u16 = 0x370E;
const PR_ATTACH_CONTENT_ID: u16 = 0x3712;
const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000D;
const MV_FLAG: u16 = 0x1000;

/// A property list claims at most this many entries before it is taken as
/// damage (Outlook writes a few dozen).
const MAX_PROPERTIES: u32 = 4096;

/// Whether a MIME part is TNEF, by its type or its conventional name.
pub fn is_tnef(content_type: &str, filename: Option<&str>) -> bool {
    matches!(
        content_type,
        "application/ms-tnef" | "application/vnd.ms-tnef"
    ) || filename.is_some_and(|n| n.eq_ignore_ascii_case("winmail.dat"))
}

/// Reads the files out of a TNEF stream.
pub fn unpack(bytes: &[u8]) -> Tnef {
    let mut out = Tnef::default();
    let mut r = Reader { buf: bytes, pos: 0 };
    if r.u32() != Some(SIGNATURE) || r.u16().is_none() {
        out.error = Some("not a TNEF stream (no TNEF signature)".into());
        return out;
    }
    // Strings in attributes and PT_STRING8 properties are in the sender's
    // OEM code page; Windows-1252 until the stream says otherwise.
    let mut encoding: &'static Encoding = encoding_rs::WINDOWS_1252;
    let mut current: Option<Pending> = None;
    while r.pos < bytes.len() {
        let Some((level, id, data)) = r.attribute() else {
            out.error = Some(format!("the TNEF stream is damaged at byte {}", r.pos));
            break;
        };
        match (level, id) {
            (LEVEL_MESSAGE, ATT_OEM_CODEPAGE) => {
                if let Some(cp) = data.get(..4) {
                    let cp = u32::from_le_bytes([cp[0], cp[1], cp[2], cp[3]]);
                    encoding = code_page(cp).unwrap_or(encoding);
                }
            }
            (LEVEL_ATTACHMENT, ATT_ATTACH_REND_DATA) => {
                if let Some(done) = current.take() {
                    out.files.extend(done.finish());
                }
                current = Some(Pending::default());
            }
            (LEVEL_ATTACHMENT, _) => {
                let p = current.get_or_insert_with(Pending::default);
                match id {
                    ATT_ATTACH_DATA => p.data = Some(data.to_vec()),
                    ATT_ATTACH_TITLE => p.title = string8(data, encoding),
                    ATT_ATTACH_TRANSPORT_FILENAME if p.title.is_none() => {
                        p.title = string8(data, encoding);
                    }
                    ATT_ATTACHMENT => {
                        if let Err(e) = properties(data, encoding, p) {
                            out.error = Some(e);
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    if let Some(done) = current.take() {
        out.files.extend(done.finish());
    }
    out
}

/// An attachment being read.
#[derive(Default)]
struct Pending {
    data: Option<Vec<u8>>,
    title: Option<String>,
    long_name: Option<String>,
    display_name: Option<String>,
    short_name: Option<String>,
    mime: Option<String>,
    content_id: Option<String>,
    /// `PR_ATTACH_DATA_BIN`, for writers that put the bytes there.
    prop_data: Option<Vec<u8>>,
}

impl Pending {
    fn finish(self) -> Option<TnefFile> {
        let bytes = self.data.or(self.prop_data)?;
        let filename = [
            self.long_name,
            self.display_name,
            self.short_name,
            self.title,
        ]
        .into_iter()
        .flatten()
        .map(|n| n.trim().to_string())
        .find(|n| !n.is_empty());
        let content_type = self
            .mime
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| is_mime_type(m));
        let content_id = self
            .content_id
            .map(|c| {
                c.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string()
            })
            .filter(|c| !c.is_empty());
        Some(TnefFile {
            filename,
            content_type,
            content_id,
            bytes,
        })
    }
}

/// `type/subtype` made of token characters, so a damaged tag never reaches
/// a Content-Type header.
fn is_mime_type(m: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    m.len() <= 127 && m.split_once('/').is_some_and(|(t, s)| token(t) && token(s))
}

/// The attachment's MAPI property block (MS-OXTNEF 2.1.3.4).
fn properties(data: &[u8], encoding: &'static Encoding, p: &mut Pending) -> Result<(), String> {
    let damaged = |at: usize| format!("an attachment's MAPI properties are damaged at byte {at}");
    let mut r = Reader { buf: data, pos: 0 };
    let count = r.u32().ok_or_else(|| damaged(0))?;
    if count > MAX_PROPERTIES {
        return Err(damaged(0));
    }
    for _ in 0..count {
        let ty = r.u16().ok_or_else(|| damaged(r.pos))?;
        let id = r.u16().ok_or_else(|| damaged(r.pos))?;
        if id >= 0x8000 {
            // A named property: GUID, then a number or a UTF-16 name.
            r.take(16).ok_or_else(|| damaged(r.pos))?;
            match r.u32().ok_or_else(|| damaged(r.pos))? {
                0 => {
                    r.u32().ok_or_else(|| damaged(r.pos))?;
                }
                1 => {
                    let n = r.u32().ok_or_else(|| damaged(r.pos))? as usize;
                    r.take_padded(n).ok_or_else(|| damaged(r.pos))?;
                }
                _ => return Err(damaged(r.pos)),
            }
        }
        let multi = ty & MV_FLAG != 0;
        let base = ty & !MV_FLAG;
        let values = if multi || matches!(base, PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT) {
            r.u32().ok_or_else(|| damaged(r.pos))?
        } else {
            1
        };
        if values > MAX_PROPERTIES {
            return Err(damaged(r.pos));
        }
        for _ in 0..values {
            let value: &[u8] = match base {
                PT_STRING8 | PT_UNICODE | PT_BINARY | PT_OBJECT => {
                    let n = r.u32().ok_or_else(|| damaged(r.pos))? as usize;
                    r.take_padded(n).ok_or_else(|| damaged(r.pos))?
                }
                _ => {
                    let size = fixed_size(base).ok_or_else(|| damaged(r.pos))?;
                    r.take_padded(size).ok_or_else(|| damaged(r.pos))?
                }
            };
            if multi {
                continue;
            }
            let text = || match base {
                PT_STRING8 => string8(value, encoding),
                PT_UNICODE => Some(utf16(value)),
                _ => None,
            };
            match id {
                PR_ATTACH_LONG_FILENAME => p.long_name = text(),
                PR_DISPLAY_NAME => p.display_name = text(),
                PR_ATTACH_FILENAME => p.short_name = text(),
                PR_ATTACH_MIME_TAG => p.mime = text(),
                PR_ATTACH_CONTENT_ID => p.content_id = text(),
                // PT_OBJECT data is an embedded message or OLE storage, not
                // a file: left inside the winmail.dat.
                PR_ATTACH_DATA if base == PT_BINARY => p.prop_data = Some(value.to_vec()),
                _ => {}
            }
        }
    }
    Ok(())
}

/// Sizes of the fixed-width MAPI types; 2-byte values are padded to 4.
fn fixed_size(ty: u16) -> Option<usize> {
    Some(match ty {
        0x0000 | 0x0001 => 0,                            // unspecified, null
        0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B => 4, // short, long, float, error, boolean
        0x0005..=0x0007 | 0x0014 | 0x0040 => 8,          // double, currency, apptime, i8, systime
        0x0048 => 16,                                    // CLSID
        _ => return None,
    })
}

/// An 8-bit string attribute or property: NUL-terminated, in the OEM code
/// page.
fn string8(data: &[u8], encoding: &'static Encoding) -> Option<String> {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (s, _, _) = encoding.decode(&data[..end]);
    Some(s.into_owned()).filter(|s| !s.is_empty())
}

/// A UTF-16LE property, up to its terminating NUL.
fn utf16(data: &[u8]) -> String {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

/// Windows code pages that TNEF writers put in `attOemCodepage`.
fn code_page(cp: u32) -> Option<&'static Encoding> {
    let label = match cp {
        65001 => "utf-8",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        874 => "windows-874",
        1250..=1258 => return Encoding::for_label(format!("windows-{cp}").as_bytes()),
        28591 => "iso-8859-1",
        28603 => "iso-8859-13",
        28605 => "iso-8859-15",
        20866 => "koi8-r",
        _ => return None,
    };
    Encoding::for_label(label.as_bytes())
}

/// A bounds-checked little-endian cursor.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    /// `n` bytes, then skips the padding up to a multiple of four (which a
    /// stream may omit after its last value).
    fn take_padded(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.take(n)?;
        let pad = (4 - n % 4) % 4;
        self.pos = self.pos.saturating_add(pad).min(self.buf.len());
        Some(s)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// One attribute: level, id (low 16 bits), data. `None` when it runs
    /// past the end or its checksum is wrong.
    fn attribute(&mut self) -> Option<(u8, u16, &'a [u8])> {
        let level = self.take(1)?[0];
        let id = self.u32()?;
        let len = self.u32()? as usize;
        let data = self.take(len)?;
        let sum = self.u16()?;
        let expected = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
        (sum == expected).then_some((level, (id & 0xFFFF) as u16, data))
    }
}
/// Adds the files inside each Outlook `winmail.dat` as attachments of their
/// own, after it; the TNEF part itself stays, so nothing is lost when a
/// stream is damaged or holds what Tend does not unpack (embedded Outlook
/// items, RTF bodies).
pub(crate) fn unpack_into(
    attachments: &mut Vec<Attachment>,
    notes: &mut Vec<String>,
    clean_filename: fn(&str) -> String,
) {
    let mut i = 0;
    while i < attachments.len() {
        let a = &attachments[i];
        i += 1;
        if !is_tnef(&a.content_type, a.filename.as_deref()) {
            continue;
        }
        let unpacked = unpack(&a.bytes);
        if let Some(e) = &unpacked.error {
            notes.push(format!("winmail.dat: {e}; the file is kept as it came"));
        }
        let files: Vec<Attachment> = unpacked
            .files
            .into_iter()
            .map(|f| {
                let filename = f
                    .filename
                    .map(|n| clean_filename(&n))
                    .filter(|n| !n.is_empty());
                let content_type = f.content_type.unwrap_or_else(|| {
                    content_type_for(filename.as_deref().unwrap_or_default()).to_string()
                });
                Attachment {
                    filename,
                    content_type,
                    bytes: f.bytes,
                    inline: false,
                    content_id: f.content_id,
                    message: None,
                }
            })
            .collect();
        let n = files.len();
        attachments.splice(i..i, files);
        i += n;
    }
}

/// A content type from a filename's extension, for files that arrive with
/// none (inside TNEF); anything unknown is a download.
fn content_type_for(filename: &str) -> &'static str {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "xls" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}
