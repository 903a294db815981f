//! Errors mcast explains, whatever number each OS gives them, and the one
//! table of hints that turn an error into what to try next.
//!
//! A hint names the real cause where the OS can tell it: asked about the
//! interface an operation used (still there? up? an address of the
//! group's family?), [`hint`] says "interface mc0 is down" rather than a
//! guess that fits every cause.

use std::borrow::Cow;
use std::io;
use std::net::IpAddr;

use super::Family;

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

/// What was being done when the error came: to or on which group, and on
/// which interface (`(index, name)` as given with `--iface`; `None`: the
/// kernel's routes chose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doing<'a> {
    /// Joining a group.
    Join {
        group: IpAddr,
        iface: Option<(u32, &'a str)>,
    },
    /// Sending to a group.
    Send {
        group: IpAddr,
        iface: Option<(u32, &'a str)>,
    },
}

impl Doing<'_> {
    fn group(&self) -> IpAddr {
        match *self {
            Doing::Join { group, .. } | Doing::Send { group, .. } => group,
        }
    }

    fn iface(&self) -> Option<(u32, &str)> {
        match *self {
            Doing::Join { iface, .. } | Doing::Send { iface, .. } => iface,
        }
    }
}

/// The interface an operation used, as the OS lists it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// No interface has that index any more.
    Gone,
    /// Administratively down.
    Down,
    /// Up, without an address of the group's family (IPv6 turned off
    /// there, say).
    NoAddress,
    /// Up, with an address of the group's family.
    Usable,
}

/// ` (what to try)`, or "" when there is nothing useful to say. Asks the
/// OS about the interface `doing` names, so call it on error paths only.
pub fn hint(err: &io::Error, doing: Doing<'_>) -> Cow<'static, str> {
    let Some(errno) = super::errno(err) else {
        return Cow::Borrowed("");
    };
    let state = doing
        .iface()
        .and_then(|(index, _)| state_of(index, Family::of(doing.group())));
    advice(errno, doing, state)
}

/// What the OS says about interface `index` now; `None` when it cannot
/// say (the interfaces could not be listed).
fn state_of(index: u32, family: Family) -> Option<State> {
    let all = super::interfaces().ok()?;
    let Some(iface) = all.iter().find(|i| i.index == index) else {
        return Some(State::Gone);
    };
    let has_addr = iface.addrs.iter().any(|a| Family::of(*a) == family);
    Some(if !iface.up {
        State::Down
    } else if !has_addr {
        State::NoAddress
    } else {
        State::Usable
    })
}

/// The table: the errno, what was being done, and what the OS says about
/// the interface given (`None`: none given, or the OS could not say).
fn advice(errno: Errno, doing: Doing<'_>, state: Option<State>) -> Cow<'static, str> {
    let family = Family::of(doing.group());
    // Names are printed as they are: the error line escapes control
    // characters (`exit::error_line`).
    let given = doing.iface().map(|(_, name)| name);
    // What the interface lacks explains a refusal to route or to find
    // an address or device; not, say, a membership limit.
    let unusable = matches!(
        errno,
        Errno::NetUnreachable | Errno::NoDevice | Errno::AddrNotAvailable | Errno::Invalid
    );
    if let (Some(name), Some(state), true) = (&given, state, unusable) {
        match state {
            State::Gone => return format!(" (interface {name} no longer exists)").into(),
            State::Down => return format!(" (interface {name} is down)").into(),
            State::NoAddress if errno != Errno::Invalid => {
                let off = match family {
                    Family::V6 => ": is IPv6 turned off there?",
                    Family::V4 => "",
                };
                return format!(" ({name} has no {} address{off})", family.name()).into();
            }
            _ => {}
        }
    }
    let text = match (doing, errno) {
        (Doing::Join { .. }, Errno::TooMany) => super::os::MEMBERSHIP_LIMIT_HINT,
        (Doing::Join { .. }, Errno::AddrInUse) => " (already joined on this socket)",
        // Linux says ENODEV (no route to find a device by) or EINVAL,
        // FreeBSD EADDRNOTAVAIL.
        (
            Doing::Join { iface: None, .. },
            Errno::NoDevice | Errno::Invalid | Errno::AddrNotAvailable,
        )
        | (Doing::Send { iface: None, .. }, Errno::NetUnreachable) => {
            " (no multicast route: give --iface)"
        }
        (Doing::Join { .. }, Errno::NoDevice) if state.is_none() => {
            " (is the interface up, and does it have an address of this family?)"
        }
        (Doing::Send { .. }, Errno::NetUnreachable) => match given {
            Some(name) => return format!(" (no route to {} via {name})", doing.group()).into(),
            None => "",
        },
        (Doing::Send { .. }, Errno::AddrNotAvailable) => {
            " (no usable source address: does the interface have an address of this family, \
             and does --bind match it?)"
        }
        _ => "",
    };
    Cow::Borrowed(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(group: &str, iface: Option<(u32, &'static str)>) -> Doing<'static> {
        Doing::Send {
            group: group.parse().unwrap(),
            iface,
        }
    }

    fn join(group: &str, iface: Option<(u32, &'static str)>) -> Doing<'static> {
        Doing::Join {
            group: group.parse().unwrap(),
            iface,
        }
    }

    #[test]
    fn the_cause_is_named_when_the_interface_tells_it() {
        let mc0 = Some((3, "mc0"));
        let cases = [
            (
                send("239.1.1.1", mc0),
                Some(State::Down),
                " (interface mc0 is down)",
            ),
            (
                send("239.1.1.1", mc0),
                Some(State::Gone),
                " (interface mc0 no longer exists)",
            ),
            (
                send("ff15::1", mc0),
                Some(State::NoAddress),
                " (mc0 has no IPv6 address: is IPv6 turned off there?)",
            ),
            (
                send("239.1.1.1", mc0),
                Some(State::NoAddress),
                " (mc0 has no IPv4 address)",
            ),
            (
                send("ff15::1", Some((1, "lo"))),
                Some(State::Usable),
                " (no route to ff15::1 via lo)",
            ),
        ];
        for (doing, state, want) in cases {
            assert_eq!(
                advice(Errno::NetUnreachable, doing, state),
                want,
                "{doing:?}"
            );
        }
    }

    #[test]
    fn without_iface_a_missing_route_asks_for_one() {
        let want = " (no multicast route: give --iface)";
        assert_eq!(
            advice(Errno::NetUnreachable, send("239.1.1.1", None), None),
            want
        );
        for errno in [Errno::NoDevice, Errno::Invalid, Errno::AddrNotAvailable] {
            assert_eq!(advice(errno, join("239.1.1.1", None), None), want);
        }
    }

    #[test]
    fn join_hints_keep_their_meaning() {
        let mc1 = Some((4, "mc1"));
        assert_eq!(
            advice(
                Errno::AddrInUse,
                join("239.1.1.1", mc1),
                Some(State::Usable)
            ),
            " (already joined on this socket)"
        );
        assert_eq!(
            advice(Errno::NoDevice, join("239.1.1.1", mc1), None),
            " (is the interface up, and does it have an address of this family?)"
        );
        assert_eq!(
            advice(Errno::NoDevice, join("239.1.1.1", mc1), Some(State::Down)),
            " (interface mc1 is down)"
        );
        assert_eq!(
            advice(Errno::Invalid, join("239.1.1.1", mc1), Some(State::Usable)),
            ""
        );
        assert_eq!(
            advice(Errno::AddrInUse, join("239.1.1.1", mc1), Some(State::Down)),
            " (already joined on this socket)",
            "a down interface does not explain every error"
        );
    }
}
