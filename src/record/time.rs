//! Times as records show them: RFC 3339 in UTC with nanoseconds, formatted
//! without allocation (packet records need one or two per packet).

use std::io::{Cursor, Write};
use std::time::{Duration, SystemTime};

use serde::Serializer;

/// A fixed-size text buffer for timestamps, so formatting one costs no
/// allocation.
pub struct Stamp {
    buf: [u8; 40],
    len: usize,
}

thread_local! {
    /// The date and time of day of the last second formatted: packets come
    /// many per second, and formatting a calendar date is the slow part.
    // Clippy for x86_64-pc-windows-gnu asks for `const` that is there.
    #[allow(clippy::missing_const_for_thread_local)]
    static SECOND: std::cell::Cell<(u64, [u8; 20])> = const { std::cell::Cell::new((u64::MAX, [0; 20])) };
}

impl Stamp {
    /// RFC 3339 in UTC with nanoseconds: `2026-11-22T02:17:01.123456789Z`,
    /// for a time since the Unix epoch (see [`crate::clock`]).
    pub fn rfc3339(since: Duration) -> Self {
        let mut buf = [0u8; 40];
        let Some(t) = SystemTime::UNIX_EPOCH.checked_add(since) else {
            return Self::slow(SystemTime::UNIX_EPOCH);
        };
        let secs = since.as_secs();
        let (cached, mut prefix) = SECOND.get();
        if cached != secs {
            // `YYYY-MM-DDTHH:MM:SSZ` -> keep the first 19 bytes, add '.'.
            let mut cur = Cursor::new(&mut prefix[..]);
            let _ = write!(cur, "{}", humantime::format_rfc3339_seconds(t));
            if cur.position() != 20 {
                return Self::slow(t);
            }
            prefix[19] = b'.';
            SECOND.set((secs, prefix));
        }
        buf[..20].copy_from_slice(&prefix);
        let mut nanos = since.subsec_nanos();
        for i in (20..29).rev() {
            buf[i] = b'0' + (nanos % 10) as u8;
            nanos /= 10;
        }
        buf[29] = b'Z';
        Self { buf, len: 30 }
    }

    /// Not the usual 20-byte date: let humantime format it whole.
    fn slow(t: SystemTime) -> Self {
        let mut buf = [0u8; 40];
        let mut cur = Cursor::new(&mut buf[..]);
        let _ = write!(cur, "{}", humantime::format_rfc3339_nanos(t));
        let len = cur.position() as usize;
        Self { buf, len }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// `02:17:01.123456`: time of day with microseconds, for text output.
    pub fn time_of_day(&self) -> &str {
        self.as_str().get(11..26).unwrap_or("")
    }
}

/// Serializes a time since the Unix epoch as an RFC 3339 string.
pub(super) fn rfc3339<S: Serializer>(since: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(Stamp::rfc3339(*since).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn cached_stamps_match_humantime() {
        for ns in [
            0u64,
            1,
            999_999_999,
            1_000_000_000,
            1_795_000_000_123_456_789,
            1_795_000_001_000_000_007,
        ] {
            let t = UNIX_EPOCH + Duration::from_nanos(ns);
            assert_eq!(
                Stamp::rfc3339(Duration::from_nanos(ns)).as_str(),
                humantime::format_rfc3339_nanos(t).to_string()
            );
        }
    }

    #[test]
    fn stamps() {
        let s = Stamp::rfc3339(Duration::new(1_795_000_000, 123_456_789));
        assert_eq!(s.as_str(), "2026-11-18T11:06:40.123456789Z");
        assert_eq!(s.time_of_day(), "11:06:40.123456");
    }
}
