//! Writes Outlook `winmail.dat` (TNEF) streams field by field, as
//! MS-OXTNEF lays them out.

/// One attribute: level, id, length, data, checksum.
pub fn attr(level: u8, id: u32, data: &[u8]) -> Vec<u8> {
    let mut out = vec![level];
    out.extend_from_slice(&id.to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// A stream: signature, legacy key, version, OEM code page, then `attrs`.
pub fn stream(code_page: u32, attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut out = 0x223E_9F78u32.to_le_bytes().to_vec();
    out.extend_from_slice(&0x0001u16.to_le_bytes());
    out.extend(attr(1, 0x0008_9006, &[0, 0, 1, 0]));
    let mut cp = code_page.to_le_bytes().to_vec();
    cp.extend_from_slice(&[0; 4]);
    out.extend(attr(1, 0x0006_9007, &cp));
    // A message attribute Tend does not read: the message class.
    out.extend(attr(1, 0x0007_8008, b"IPM.Microsoft Mail.Note\0"));
    for a in attrs {
        out.extend_from_slice(a);
    }
    out
}

pub fn pad(out: &mut Vec<u8>) {
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
}

pub enum Prop<'a> {
    Unicode(u16, &'a str),
    String8(u16, &'a [u8]),
    Binary(u16, &'a [u8]),
    Long(u16, u32),
    SysTime(u16),
    /// A named property (string name) holding a PT_LONG.
    Named(&'a str),
    /// A multi-valued PT_UNICODE.
    MultiUnicode(u16, &'a [&'a str]),
}

pub fn utf16z(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(|u| u.to_le_bytes())
        .collect()
}

/// An `attAttachment` MAPI property block.
pub fn props(list: &[Prop<'_>]) -> Vec<u8> {
    let mut out = (list.len() as u32).to_le_bytes().to_vec();
    let var = |out: &mut Vec<u8>, ty: u16, id: u16, values: &[Vec<u8>]| {
        out.extend_from_slice(&ty.to_le_bytes());
        out.extend_from_slice(&id.to_le_bytes());
        out.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for v in values {
            out.extend_from_slice(&(v.len() as u32).to_le_bytes());
            out.extend_from_slice(v);
            pad(out);
        }
    };
    for p in list {
        match p {
            Prop::Unicode(id, s) => var(&mut out, 0x001F, *id, &[utf16z(s)]),
            Prop::String8(id, b) => {
                let mut v = b.to_vec();
                v.push(0);
                var(&mut out, 0x001E, *id, &[v]);
            }
            Prop::Binary(id, b) => var(&mut out, 0x0102, *id, &[b.to_vec()]),
            Prop::MultiUnicode(id, list) => {
                let values: Vec<Vec<u8>> = list.iter().map(|s| utf16z(s)).collect();
                var(&mut out, 0x101F, *id, &values);
            }
            Prop::Long(id, v) => {
                out.extend_from_slice(&0x0003u16.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&v.to_le_bytes());
            }
            Prop::SysTime(id) => {
                out.extend_from_slice(&0x0040u16.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&0x01DB_0000_0000_0000u64.to_le_bytes());
            }
            Prop::Named(name) => {
                out.extend_from_slice(&0x0003u16.to_le_bytes());
                out.extend_from_slice(&0x8005u16.to_le_bytes());
                out.extend_from_slice(&[0x11; 16]); // property set GUID
                out.extend_from_slice(&1u32.to_le_bytes());
                let n = utf16z(name);
                out.extend_from_slice(&(n.len() as u32).to_le_bytes());
                out.extend_from_slice(&n);
                pad(&mut out);
                out.extend_from_slice(&7u32.to_le_bytes());
            }
        }
    }
    out
}

pub const REND: u32 = 0x0006_9002;
pub const TITLE: u32 = 0x0001_8010;
pub const DATA: u32 = 0x0006_800F;
pub const MODIFY: u32 = 0x0003_8013;
pub const ATTACHMENT: u32 = 0x0006_9005;

pub fn rend() -> Vec<u8> {
    attr(
        2,
        REND,
        &[1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0],
    )
}
