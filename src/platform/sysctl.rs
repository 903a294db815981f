//! Kernel settings by path components, the one way mcast reads them:
//! each OS's `sysctl_text` gives a setting's text (Linux: its file under
//! `/proc/sys`; FreeBSD and macOS: `sysctlbyname`; Windows: none), and
//! [`sysctl_int`] reads integer ones on top of it. Components, not a dotted
//! string: an interface name may hold a dot (`eth0.100`), so
//! `net.ipv4.conf.eth0.100.rp_filter` cannot be split on dots.

use super::os::sysctl_text;

/// One integer setting (`["net", "ipv4", "igmp_max_memberships"]`);
/// `None` when it is missing, unreadable or not one integer.
pub fn sysctl_int(path: &[&str]) -> Option<i64> {
    parse_sysctl_int(&sysctl_text(path).ok()?)
}

/// The value of an integer setting from its text: one number and a
/// newline. `None` for anything else (empty, several values, garbage).
pub fn parse_sysctl_int(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.is_empty() || t.contains(char::is_whitespace) {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_one_number_and_a_newline() {
        assert_eq!(parse_sysctl_int("1\n"), Some(1));
        assert_eq!(parse_sysctl_int("  20 \n"), Some(20));
        assert_eq!(parse_sysctl_int("-1\n"), Some(-1));
        assert_eq!(parse_sysctl_int(""), None);
        assert_eq!(
            parse_sysctl_int("4096\t87380\t6291456\n"),
            None,
            "tcp_rmem-like triple"
        );
        assert_eq!(parse_sysctl_int("x\n"), None);
        assert_eq!(parse_sysctl_int("99999999999999999999999"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn paths_that_leave_proc_sys_are_refused() {
        for bad in [
            &["net", "..", "x"][..],
            &["net/ipv4", "ip_forward"][..],
            &["net", ""][..],
            &[][..],
        ] {
            let e = sysctl_text(bad).unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{bad:?}");
        }
        // A namespace always has this one.
        assert!(sysctl_int(&["net", "ipv4", "conf", "all", "rp_filter"]).is_some());
    }
}
