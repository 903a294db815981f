//! Words for human-readable lines that several commands print.

use crate::config::{Group, Iface};

/// `1 group`, `3 groups`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The first few groups by name; a long list is cut.
pub fn group_list(groups: &[Group]) -> String {
    const SHOWN: usize = 4;
    let mut names: Vec<String> = groups.iter().take(SHOWN).map(Group::to_string).collect();
    if groups.len() > SHOWN {
        names.push(format!("and {} more", groups.len() - SHOWN));
    }
    names.join(", ")
}

/// `mc0 (index 3)`, or the interface the routes choose when none was given.
pub fn iface_name(iface: Option<&Iface>) -> String {
    iface.map_or_else(
        || "the interface the kernel's routes choose".to_string(),
        |i| i.to_string(),
    )
}

/// `on mc0 (index 3)`.
pub fn iface_text(iface: Option<&Iface>) -> String {
    format!("on {}", iface_name(iface))
}

/// `listen`'s first line on stderr.
pub fn listening(groups: &[Group], iface: Option<&Iface>, rcvbuf: usize) -> String {
    format!(
        "listening for {} {} {} (receive buffer {} KiB)",
        plural(groups.len(), "group"),
        group_list(groups),
        iface_text(iface),
        rcvbuf / 1024
    )
}

/// `join`'s first line on stderr.
pub fn joined(groups: &[Group], iface: Option<&Iface>, sockets: usize) -> String {
    format!(
        "joined {} {} {} ({}); Ctrl-C to leave",
        plural(groups.len(), "group"),
        group_list(groups),
        iface_text(iface),
        plural(sockets, "socket")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_lists() {
        assert_eq!(plural(1, "group"), "1 group");
        assert_eq!(plural(0, "socket"), "0 sockets");
        let groups = crate::config::parse_groups("239.1.1.1+6", 5000).unwrap();
        assert_eq!(
            group_list(&groups),
            "239.1.1.1:5000, 239.1.1.2:5000, 239.1.1.3:5000, 239.1.1.4:5000, and 2 more"
        );
        assert_eq!(
            iface_text(None),
            "on the interface the kernel's routes choose"
        );
    }
}
