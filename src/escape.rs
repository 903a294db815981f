//! Bytes from the network are shown escaped, so no payload can move the
//! cursor, change colours or ring the bell on the user's terminal.

use std::io::{self, Write};

/// Writes `bytes` with everything outside printable ASCII escaped as
/// `\n`, `\r`, `\t`, `\\` or `\xNN`, and `"` as `\"`, so the text
/// format's quoted payload field ends at the first unescaped `"`. Stops
/// after `max` input bytes and appends `...` when it does. Escapes into
/// `out` directly: no allocation.
pub fn write_escaped(out: &mut impl Write, bytes: &[u8], max: usize) -> io::Result<()> {
    let shown = &bytes[..bytes.len().min(max)];
    let mut start = 0;
    for (i, &b) in shown.iter().enumerate() {
        let esc: &[u8] = match b {
            b'\\' => b"\\\\",
            b'"' => b"\\\"",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x20..=0x7e => continue,
            _ => b"",
        };
        out.write_all(&shown[start..i])?;
        if esc.is_empty() {
            write!(out, "\\x{b:02x}")?;
        } else {
            out.write_all(esc)?;
        }
        start = i + 1;
    }
    out.write_all(&shown[start..])?;
    if bytes.len() > max {
        out.write_all(b"...")?;
    }
    Ok(())
}

/// Escaped copy as a `String`, for bytes off the wire outside the hot
/// path (interface names use [`name`]).
pub fn escaped(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    // Writing to a Vec cannot fail.
    let _ = write_escaped(&mut out, bytes, usize::MAX);
    String::from_utf8_lossy(&out).into_owned()
}

/// An interface name as shown to a person (tables, status lines, error
/// messages): the OS's name with control characters escaped, as
/// [`controls`] does. JSON carries the name itself (serde escapes it).
pub fn name(name: &str) -> std::borrow::Cow<'_, str> {
    controls(name)
}

/// `text` with control characters (newlines, ESC, BEL, C1 controls ...)
/// escaped as `\n`, `\x1b`, `\u{85}` and other printable text, Unicode
/// included, kept: for messages that quote what a user typed or an OS
/// named, which must stay one line and cannot drive the terminal.
pub fn controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_unicode_kept() {
        assert_eq!(controls("Connexion réseau"), "Connexion réseau");
        assert_eq!(
            controls("'ff\u{1}\n0?' is not a group"),
            "'ff\\x01\\n0?' is not a group"
        );
        assert_eq!(controls("a\u{1b}[2Jb\u{7}\u{85}"), "a\\x1b[2Jb\\x07\\u{85}");
    }

    #[test]
    fn printable_ascii_passes_through() {
        assert_eq!(escaped(b"hello, world ~!"), "hello, world ~!");
    }

    #[test]
    fn control_bytes_never_reach_the_terminal() {
        let out = escaped(b"\x1b[2J\x07bell\r\n\t\\\x00\xff\xc3\xa9");
        assert_eq!(out, "\\x1b[2J\\x07bell\\r\\n\\t\\\\\\x00\\xff\\xc3\\xa9");
        assert!(out.bytes().all(|b| (0x20..0x7f).contains(&b)));
    }

    /// A payload that looks like a record (`line1\n{"type":"packet"}`)
    /// stays one field: its quotes cannot close the quoted payload.
    #[test]
    fn quotes_are_escaped() {
        let out = escaped(b"line1\n{\"type\":\"packet\"}\n");
        assert_eq!(out, r#"line1\n{\"type\":\"packet\"}\n"#);
        let body = out.replace("\\\"", "");
        assert!(!body.contains('"'), "{out}");
    }

    #[test]
    fn names_keep_unicode_and_lose_controls() {
        assert_eq!(name("x\u{1b}[1mY\u{7}"), "x\\x1b[1mY\\x07");
        assert_eq!(name("Ethernet 2 é"), "Ethernet 2 é");
    }

    #[test]
    fn long_payloads_are_cut() {
        let mut out = Vec::new();
        write_escaped(&mut out, b"abcdef", 3).unwrap();
        assert_eq!(out, b"abc...");
    }
}
