//! Errors mcast explains, whatever number each OS gives them, and the one
//! table of hints that turn an error into what to try next.

use std::io;

/// The OS errors mcast gives advice for; each OS module maps its own
/// numbers (`EADDRINUSE`, `WSAEADDRINUSE` ...) onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    AddrInUse,
    AddrNotAvailable,
    /// No such interface, or it cannot do what was asked.
    NoDevice,
    /// A per-socket or per-host limit was reached.
    TooMany,
    Invalid,
    NetUnreachable,
    PermissionDenied,
}

/// What was being done when the error came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing {
    /// Joining a group; whether `--iface` was given.
    Join { iface_given: bool },
    /// Sending to a group.
    Send,
}

/// ` (what to try)`, or "" when there is nothing useful to say.
pub fn hint(err: &io::Error, doing: Doing) -> &'static str {
    let Some(errno) = super::errno(err) else {
        return "";
    };
    match (doing, errno) {
        (Doing::Join { .. }, Errno::NoDevice) => {
            " (is the interface up, and does it have an address of this family?)"
        }
        (Doing::Join { .. }, Errno::TooMany) => super::os::MEMBERSHIP_LIMIT_HINT,
        (Doing::Join { .. }, Errno::AddrInUse) => " (already joined on this socket)",
        // Linux says EINVAL, FreeBSD EADDRNOTAVAIL.
        (Doing::Join { iface_given: false }, Errno::Invalid | Errno::AddrNotAvailable) => {
            " (no route for the group: give --iface)"
        }
        (Doing::Send, Errno::NetUnreachable) => " (no route for the group: give --iface)",
        (Doing::Send, Errno::AddrNotAvailable) => {
            " (no usable source address: does the interface have an address of this family, \
             and does --bind match it?)"
        }
        _ => "",
    }
}
