//! Linux kernel settings the checks depend on, read as the text of their
//! `/proc/sys` files and parsed by pure functions.

use std::io;

/// Where the checks read kernel settings: the host, or text in tests.
pub trait Sysctls {
    /// The text of one setting, by path components
    /// (`["net", "ipv4", "conf", "eth0", "rp_filter"]`).
    fn text(&self, path: &[&str]) -> io::Result<String>;
}

/// The host's settings, through the platform layer (Linux only).
pub struct HostSysctls;

impl Sysctls for HostSysctls {
    fn text(&self, path: &[&str]) -> io::Result<String> {
        crate::platform::sysctl_text(path)
    }
}

/// An integer setting, or why it is missing.
pub fn read_int(s: &dyn Sysctls, path: &[&str]) -> Result<i64, String> {
    let key = path.join(".");
    match s.text(path) {
        Ok(t) => crate::platform::parse_sysctl_int(&t)
            .ok_or_else(|| format!("{key} is not a number: {:?}", t.trim())),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => Err("not checked on this OS".into()),
        Err(e) => Err(format!("cannot read {key}: {e}")),
    }
}

/// Reverse-path filtering as the kernel applies it to one interface: the
/// larger of `conf.all.rp_filter` and `conf.IFACE.rp_filter`.
pub fn effective_rp_filter(all: i64, iface: i64) -> i64 {
    all.max(iface)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rp_filter_takes_the_stricter_value_except_loose_wins() {
        // max(): loose (2) on either side beats strict (1), as the kernel does.
        assert_eq!(effective_rp_filter(0, 1), 1);
        assert_eq!(effective_rp_filter(1, 0), 1);
        assert_eq!(effective_rp_filter(1, 2), 2);
        assert_eq!(effective_rp_filter(0, 0), 0);
    }

    struct Fake;
    impl Sysctls for Fake {
        fn text(&self, path: &[&str]) -> io::Result<String> {
            match path.last() {
                Some(&"good") => Ok("3\n".into()),
                Some(&"bad") => Ok("three\n".into()),
                Some(&"other") => Err(io::Error::from(io::ErrorKind::Unsupported)),
                _ => Err(io::Error::from(io::ErrorKind::NotFound)),
            }
        }
    }

    #[test]
    fn reads_name_the_key_when_they_fail() {
        assert_eq!(read_int(&Fake, &["net", "good"]), Ok(3));
        assert_eq!(
            read_int(&Fake, &["net", "bad"]),
            Err("net.bad is not a number: \"three\"".into())
        );
        assert_eq!(
            read_int(&Fake, &["other"]),
            Err("not checked on this OS".into())
        );
        assert!(read_int(&Fake, &["x", "eth0.100", "y"])
            .unwrap_err()
            .starts_with("cannot read x.eth0.100.y:"));
    }
}
