//! `mcast sockopt`'s driver over the option catalogue, whose types live
//! in [`crate::platform::options`] and whose table for this OS is
//! [`platform::SOCKOPT_TABLE`].
//!
//! The driver here sets what was asked, joins groups, then reads every
//! row back with getsockopt, collecting errors instead of stopping: the
//! point is to show what the kernel did with each request.

mod render;

pub use render::render_text;

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use anyhow::{Context, Result};
use serde_json::{json, Value as Json};
use socket2::{Domain, Protocol, Socket, Type};
use tracing::{debug, trace};

use crate::config::{Group, Iface, IfaceTable};
use crate::escape;
use crate::platform::{self, Family};
use crate::usage;

/// This OS's table.
pub fn table() -> &'static [Row] {
    platform::SOCKOPT_TABLE
}

pub use crate::platform::options::{Encoding, Level, Opt, OsDefault, Row, Scope, Value};

/// What the sockopt table shows and JSON carries for a value read back.
impl Value {
    pub fn to_json(self) -> Json {
        match self {
            Value::Int(n) => json!(n),
            Value::Index(n) => json!(n),
            Value::Addr(a) => json!(a.to_string()),
        }
    }

    /// For the table: interfaces are named when this host has them.
    pub fn display(self, ifaces: &IfaceTable) -> String {
        let named = |name: &str| crate::escape::name(name).into_owned();
        match self {
            Value::Int(n) => n.to_string(),
            Value::Index(0) => "0".to_string(),
            Value::Index(n) => match ifaces.by_index(n) {
                Some(i) => format!("{n} ({})", named(&i.name)),
                None => n.to_string(),
            },
            Value::Addr(a) => match ifaces
                .iter()
                .find(|i| !a.is_unspecified() && i.v4.contains(&a))
            {
                Some(i) => format!("{a} ({})", named(&i.name)),
                None => a.to_string(),
            },
        }
    }
}

/// A value ready for setsockopt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    Int(i32),
    Byte(u8),
    Index(u32),
    /// IPv4 interface by its address (`in_addr`).
    Addr(Ipv4Addr),
    /// IPv4 interface by index, in this OS's form
    /// ([`platform::IFACE_INDEX_V4_FORM`]).
    AddrIndex(u32),
}

impl Setting {
    pub fn encode(self) -> Vec<u8> {
        match self {
            Setting::Int(n) => n.to_ne_bytes().to_vec(),
            Setting::Byte(b) => vec![b],
            Setting::Index(n) => n.to_ne_bytes().to_vec(),
            Setting::Addr(a) => a.octets().to_vec(),
            Setting::AddrIndex(n) => platform::encode_iface_index_v4(n),
        }
    }
}

/// Finds the rows `name` means on this OS, for the families in use: a
/// kernel name names one row, an alias one row per family.
pub fn lookup<'t>(table: &'t [Row], name: &str, families: &[Family]) -> Result<Vec<&'t Row>> {
    let opts: Vec<Opt> = match Opt::ALL
        .iter()
        .find(|o| o.name().eq_ignore_ascii_case(name))
    {
        Some(&o) => vec![o],
        None => Opt::ALL
            .into_iter()
            .filter(|o| o.aliases().iter().any(|a| a.eq_ignore_ascii_case(name)))
            .collect(),
    };
    if opts.is_empty() {
        return Err(usage!("unknown option '{name}'; {}", valid_names(table)));
    }
    let rows: Vec<&Row> = table.iter().filter(|r| opts.contains(&r.opt)).collect();
    if rows.is_empty() {
        return Err(unsupported(name));
    }
    let used: Vec<&Row> = rows
        .iter()
        .copied()
        .filter(|r| families.iter().any(|&f| r.opt.scope().applies_to(f)))
        .collect();
    if used.is_empty() {
        let names: Vec<&str> = rows.iter().map(|r| r.name()).collect();
        let other = if families.contains(&Family::V4) {
            "-6"
        } else {
            "-4"
        };
        return Err(usage!(
            "{name} ({}) is not an option of the IP version chosen; use {other} or neither",
            names.join(", ")
        ));
    }
    Ok(used)
}

/// The one error for an option this OS's table has no row for.
fn unsupported(name: &str) -> anyhow::Error {
    usage!("{name} is not supported on {}", std::env::consts::OS)
}

/// `valid names (any case): IP_MULTICAST_TTL, ...; aliases: ttl, ...`
pub fn valid_names(table: &[Row]) -> String {
    let names: Vec<&str> = table.iter().map(Row::name).collect();
    let mut aliases: Vec<&str> = Vec::new();
    for a in table.iter().flat_map(|r| r.opt.aliases()) {
        if !aliases.contains(a) {
            aliases.push(a);
        }
    }
    format!(
        "valid names (any case): {}; short aliases: {}",
        names.join(", "),
        aliases.join(", ")
    )
}

/// Parses an integer as C would take it: decimal or `0x` hex, signed.
fn parse_int(text: &str) -> Option<i64> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i64::from_str_radix(hex, 16).ok()?,
        None if digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok()?,
        None => return None,
    };
    Some(if neg { -magnitude } else { magnitude })
}

fn parse_switch(text: &str) -> Option<i32> {
    const WORDS: [(&str, i32); 6] = [
        ("on", 1),
        ("off", 0),
        ("true", 1),
        ("false", 0),
        ("yes", 1),
        ("no", 0),
    ];
    WORDS
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(text))
        .map(|&(_, v)| v)
}

/// Turns `value` into what `row` takes. Only values the encoding cannot
/// carry are refused here; whether the kernel likes them (TTL 300, -1) is
/// what the tool is for. Returns a note on how an interface was named.
pub fn parse_setting(
    row: &Row,
    value: &str,
    ifaces: &IfaceTable,
) -> Result<(Setting, Option<String>)> {
    let name = row.name();
    let bad = || {
        usage!(
            "'{value}' is not valid for {name}; it takes {}",
            row.encoding.accepts()
        )
    };
    match row.encoding {
        Encoding::Int | Encoding::Bool => {
            if row.encoding == Encoding::Bool {
                if let Some(v) = parse_switch(value) {
                    return Ok((Setting::Int(v), None));
                }
            }
            let n = parse_int(value).ok_or_else(bad)?;
            let n = i32::try_from(n).map_err(|_| {
                usage!(
                    "{value} does not fit the C int {name} takes ({} to {})",
                    i32::MIN,
                    i32::MAX
                )
            })?;
            Ok((Setting::Int(n), None))
        }
        Encoding::Byte => {
            let n = parse_switch(value)
                .map(i64::from)
                .or_else(|| parse_int(value));
            let b = n.and_then(|n| u8::try_from(n).ok()).ok_or_else(bad)?;
            Ok((Setting::Byte(b), None))
        }
        Encoding::IfIndex | Encoding::IfaceV4 => {
            iface_setting(row, interface(value, ifaces)?, ifaces)
        }
    }
}

/// What an interface value names.
#[derive(Debug, Clone)]
enum Target {
    Known(Iface),
    /// An index this host has no interface for: the kernel will say.
    Index(u32),
    /// An IPv4 address no interface here has: the kernel will say.
    Addr(Ipv4Addr),
}

/// Reads a name, index or address. Unknown names are bad input; unknown
/// indexes and IPv4 addresses go to the kernel, whose answer is the finding.
fn interface(value: &str, ifaces: &IfaceTable) -> Result<Target> {
    if let Ok(a) = value.parse::<Ipv4Addr>() {
        return Ok(match ifaces.iter().find(|i| i.v4.contains(&a)) {
            // The address given is the one to set IPv4 options by.
            Some(i) => Target::Known(Iface {
                v4: vec![a],
                ..i.clone()
            }),
            None => Target::Addr(a),
        });
    }
    match ifaces.resolve(value) {
        Ok(i) => Ok(Target::Known(i)),
        Err(e) => value.parse::<u32>().map(Target::Index).map_err(|_| e),
    }
}

fn iface_setting(
    row: &Row,
    target: Target,
    ifaces: &IfaceTable,
) -> Result<(Setting, Option<String>)> {
    Ok(match (row.encoding, target) {
        (Encoding::IfaceV4, Target::Addr(a)) => (Setting::Addr(a), None),
        (Encoding::IfaceV4, Target::Known(i)) => match i.first_v4() {
            Some(a) => (Setting::Addr(a), None),
            None => (
                Setting::AddrIndex(i.index),
                Some(format!(
                    "{} has no IPv4 address: set by index {} ({})",
                    escape::name(&i.name),
                    i.index,
                    platform::IFACE_INDEX_V4_FORM
                )),
            ),
        },
        (Encoding::IfaceV4, Target::Index(n)) => (
            Setting::AddrIndex(n),
            Some(format!(
                "set by index {n} ({})",
                platform::IFACE_INDEX_V4_FORM
            )),
        ),
        (_, Target::Known(i)) => (Setting::Index(i.index), None),
        (_, Target::Index(n)) => (Setting::Index(n), None),
        (_, Target::Addr(a)) => {
            return Err(usage!(
                "no interface here has address {a}, and {} takes an interface index; \
                 give a name, index or address of one of: {}",
                row.name(),
                ifaces.summary()
            ))
        }
    })
}

/// One option to set on one family's socket.
#[derive(Debug, Clone)]
pub struct Request {
    pub row: &'static Row,
    pub family: Family,
    /// The value as the user gave it.
    pub value: String,
    pub setting: Setting,
    /// Where the request came from when not `--set` (`-i`).
    pub origin: Option<&'static str>,
    pub how: Option<String>,
}

/// Validates every `--set` (and the interface `-i` implies) before any
/// socket exists, so bad input changes nothing. Each option may be set
/// once per family.
pub fn plan(
    sets: &[(String, String)],
    families: &[Family],
    iface: Option<&Iface>,
    ifaces: &IfaceTable,
) -> Result<Vec<Request>> {
    let mut out: Vec<(String, Request)> = Vec::new();
    for (name, value) in sets {
        let typed = format!("{name}={value}");
        let rows = lookup(table(), name, families).with_context(|| format!("--set {typed}"))?;
        for row in rows {
            let (setting, how) =
                parse_setting(row, value, ifaces).with_context(|| format!("--set {typed}"))?;
            for &family in families.iter().filter(|&&f| row.opt.scope().applies_to(f)) {
                if let Some((first, _)) = out
                    .iter()
                    .find(|(_, r)| r.row.opt == row.opt && r.family == family)
                {
                    return Err(usage!(
                        "--set {first} and --set {typed} both set {}; set each option once",
                        row.name()
                    ));
                }
                let req = Request {
                    row,
                    family,
                    value: value.clone(),
                    setting,
                    origin: None,
                    how: how.clone(),
                };
                out.push((typed.clone(), req));
            }
        }
    }
    let mut reqs: Vec<Request> = out.into_iter().map(|(_, r)| r).collect();
    if let Some(i) = iface {
        // -i also picks the outgoing interface, unless --set did.
        for &family in families {
            let opt = match family {
                Family::V4 => Opt::MulticastIf,
                Family::V6 => Opt::MulticastIf6,
            };
            let Some(row) = table().iter().find(|r| r.opt == opt) else {
                continue;
            };
            if reqs.iter().any(|r| r.row.opt == opt) {
                continue;
            }
            let (setting, how) = iface_setting(row, Target::Known(i.clone()), ifaces)?;
            reqs.push(Request {
                row,
                family,
                value: i.name.clone(),
                setting,
                origin: Some("-i"),
                how,
            });
        }
    }
    Ok(reqs)
}

/// One `--join`, as done on the socket of its family.
#[derive(Debug)]
pub struct JoinReport {
    pub group: IpAddr,
    pub source: Option<IpAddr>,
    pub iface: Option<Iface>,
    pub error: Option<io::Error>,
}

impl JoinReport {
    pub fn call(&self) -> &'static str {
        platform::join_call(Family::of(self.group), self.source.is_some())
    }

    /// `MCAST_JOIN_GROUP 239.1.1.1 on mc0 (index 3)`
    pub fn describe(&self) -> String {
        let what = match self.source {
            Some(s) => format!("{} {} from {s}", self.call(), self.group),
            None => format!("{} {}", self.call(), self.group),
        };
        match &self.iface {
            Some(i) => format!("{what} on {i}"),
            None => format!("{what} on index 0 (the route decides)"),
        }
    }
}

/// One option of one family's socket, after setting and reading back.
#[derive(Debug)]
pub struct Report {
    pub row: &'static Row,
    pub family: Family,
    pub value: Result<Value, io::Error>,
    pub request: Option<Request>,
    pub set_error: Option<io::Error>,
    pub default: Value,
}

impl Report {
    /// `NAME=VALUE: EINVAL (Invalid argument)`, for stderr.
    pub fn set_error_line(&self) -> Option<String> {
        let e = self.set_error.as_ref()?;
        let req = self.request.as_ref()?;
        let on = match self.row.opt.scope() {
            Scope::Socket => format!(" ({} socket)", self.family.name()),
            _ => String::new(),
        };
        Some(format!(
            "{}={}{on}: {}",
            self.row.name(),
            escape::controls(&req.value),
            errno_text(e)
        ))
    }

    /// The REQUESTED cell: the value as given (an interface name from
    /// `-i`, or what `--set` said), control characters escaped.
    pub fn requested(&self) -> Option<String> {
        self.request.as_ref().map(|r| {
            let value = escape::controls(&r.value);
            match r.origin {
                Some(o) => format!("{value} ({o})"),
                None => value.into_owned(),
            }
        })
    }

    /// What happened on this run, then the row's note.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if let Some(e) = &self.set_error {
            // The name alone keeps the column narrow; stderr has the text.
            let name = platform::errno_name(e).unwrap_or_else(|| errno_text(e));
            notes.push(format!("refused: {name}"));
        }
        if let Some(how) = self.request.as_ref().and_then(|r| r.how.clone()) {
            notes.push(how);
        }
        if let Err(e) = &self.value {
            let name = platform::errno_name(e).unwrap_or_else(|| errno_text(e));
            notes.push(format!("getsockopt failed: {name}"));
        }
        if !self.row.note.is_empty() {
            notes.push(self.row.note.to_string());
        }
        notes
    }
}

/// One family's socket, every row read back.
#[derive(Debug)]
pub struct Section {
    pub family: Family,
    pub rows: Vec<Report>,
    pub joins: Vec<JoinReport>,
}

impl Section {
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.set_error.is_some())
            || self.joins.iter().any(|j| j.error.is_some())
    }
}

/// `EINVAL (Invalid argument)`.
pub fn errno_text(e: &io::Error) -> String {
    let msg = e.to_string();
    // std appends " (os error N)" to strerror's text; the name says it.
    let msg = msg.split(" (os error").next().unwrap_or(&msg).to_string();
    match platform::errno_name(e) {
        Some(name) => format!("{name} ({msg})"),
        None => msg,
    }
}

/// A UDP socket of `family`, unbound: setting options sends nothing.
pub fn open(family: Family) -> io::Result<Socket> {
    let domain = match family {
        Family::V4 => Domain::IPV4,
        Family::V6 => Domain::IPV6,
    };
    Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))
}

/// Sets `req` on `sock`.
pub fn apply(sock: &Socket, req: &Request) -> io::Result<()> {
    let row = req.row;
    platform::setsockopt_raw(sock, row.level.value, row.optname, &req.setting.encode())?;
    debug!(
        "setsockopt {} = {} ({:?})",
        row.name(),
        req.value,
        req.setting
    );
    Ok(())
}

/// Reads `row` back from `sock`.
pub fn read(sock: &Socket, row: &Row) -> io::Result<Value> {
    let mut buf = [0u8; 16];
    let buf = &mut buf[..row.encoding.width()];
    let n = platform::getsockopt_raw(sock, row.level.value, row.optname, buf)?;
    let v = Value::decode(row.encoding, &buf[..n]).ok_or_else(|| {
        io::Error::other(format!("getsockopt returned {n} bytes, an unexpected size"))
    })?;
    trace!("getsockopt {} -> {v:?}", row.name());
    Ok(v)
}

/// Opens `family`'s socket, applies its requests in order, joins its
/// groups on `iface`, then reads back every row of the family. Kernel
/// refusals are recorded in the reports, not returned.
pub fn probe(
    family: Family,
    requests: &[Request],
    joins: &[Group],
    iface: Option<&Iface>,
) -> io::Result<Section> {
    let sock = open(family)?;
    let mut set_errors: Vec<(Opt, io::Error)> = Vec::new();
    for req in requests.iter().filter(|r| r.family == family) {
        if let Err(e) = apply(&sock, req) {
            debug!("setsockopt {} = {}: {e}", req.row.name(), req.value);
            set_errors.push((req.row.opt, e));
        }
    }
    let ifindex = iface.map_or(0, |i| i.index);
    let joins = joins
        .iter()
        .filter(|g| Family::of(g.addr) == family)
        .map(|g| JoinReport {
            group: g.addr,
            source: g.source,
            iface: iface.cloned(),
            error: platform::join(&sock, g.addr, g.source, ifindex).err(),
        })
        .collect();
    let rows = table()
        .iter()
        .filter(|r| r.opt.scope().applies_to(family))
        .map(|row| Report {
            row,
            family,
            value: read(&sock, row),
            request: requests
                .iter()
                .find(|r| r.family == family && r.row.opt == row.opt)
                .cloned(),
            set_error: set_errors
                .iter()
                .position(|(o, _)| *o == row.opt)
                .map(|i| set_errors.swap_remove(i).1),
            default: row.default.value(),
        })
        .collect();
    Ok(Section {
        family,
        rows,
        joins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::{classify, Exit};

    fn row(opt: Opt) -> &'static Row {
        table().iter().find(|r| r.opt == opt).unwrap()
    }

    fn names(rows: &[&Row]) -> Vec<&'static str> {
        rows.iter().map(|r| r.name()).collect()
    }

    const BOTH: [Family; 2] = [Family::V4, Family::V6];

    fn ifaces() -> IfaceTable {
        let iface = |name: &str, index, v4: &[&str], v6: &[&str]| Iface {
            name: name.into(),
            alias: None,
            index,
            v4: v4.iter().map(|a| a.parse().unwrap()).collect(),
            v6: v6.iter().map(|a| a.parse().unwrap()).collect(),
            up: true,
            multicast: true,
            loopback: false,
        };
        IfaceTable::from_ifaces([
            iface("lo", 1, &["127.0.0.1"], &["::1"]),
            iface("mc0", 7, &["192.0.2.1", "192.0.2.9"], &["2001:db8::1"]),
            iface("v6only", 9, &[], &["2001:db8::9"]),
        ])
    }

    #[test]
    fn every_option_has_at_most_one_row_and_a_unique_name() {
        for opt in Opt::ALL {
            assert!(
                table().iter().filter(|r| r.opt == opt).count() <= 1,
                "{opt:?}"
            );
            let clashes = Opt::ALL
                .iter()
                .filter(|o| o.name().eq_ignore_ascii_case(opt.name()));
            assert_eq!(clashes.count(), 1, "{opt:?}");
        }
    }

    #[test]
    fn an_alias_names_at_most_one_option_per_family_in_a_table() {
        let opts: Vec<Opt> = table().iter().map(|r| r.opt).collect();
        for a in Opt::ALL.iter().flat_map(|o| o.aliases()) {
            assert_eq!(*a, a.to_ascii_lowercase());
            assert!(
                !Opt::ALL.iter().any(|o| o.name().eq_ignore_ascii_case(a)),
                "{a}"
            );
            for f in BOTH {
                let n = opts
                    .iter()
                    .filter(|o| o.aliases().contains(a) && o.scope().applies_to(f))
                    .count();
                assert!(n <= 1, "{a} names {n} options of {f:?}");
            }
        }
    }

    #[test]
    fn kernel_names_match_in_any_case() {
        let rows = lookup(table(), "ip_multicast_ttl", &BOTH).unwrap();
        assert_eq!(names(&rows), ["IP_MULTICAST_TTL"]);
        let rows = lookup(table(), "So_RcvBuf", &[Family::V6]).unwrap();
        assert_eq!(names(&rows), ["SO_RCVBUF"]);
    }

    /// Windows has no `IPV6_TCLASS` row.
    #[test]
    #[cfg(unix)]
    fn aliases_name_the_option_of_each_family() {
        let rows = lookup(table(), "TTL", &BOTH).unwrap();
        assert_eq!(names(&rows), ["IP_MULTICAST_TTL", "IPV6_MULTICAST_HOPS"]);
        let rows = lookup(table(), "ttl", &[Family::V6]).unwrap();
        assert_eq!(names(&rows), ["IPV6_MULTICAST_HOPS"]);
        let rows = lookup(table(), "iface", &[Family::V4]).unwrap();
        assert_eq!(names(&rows), ["IP_MULTICAST_IF"]);
        let rows = lookup(table(), "tos", &BOTH).unwrap();
        assert_eq!(names(&rows), ["IP_TOS", "IPV6_TCLASS"]);
    }

    #[test]
    fn an_option_of_the_family_left_out_is_bad_input() {
        let e = lookup(table(), "hops", &[Family::V4]).unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert_eq!(
            e.to_string(),
            "hops (IPV6_MULTICAST_HOPS) is not an option of the IP version chosen; use -6 or neither"
        );
        assert!(lookup(table(), "IP_TTL", &[Family::V6]).is_err());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn unknown_names_list_the_valid_ones() {
        let e = lookup(table(), "IP_MULTICAST_TTTL", &BOTH).unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        let msg = e.to_string();
        assert!(
            msg.starts_with("unknown option 'IP_MULTICAST_TTTL'; valid names (any case): "),
            "{msg}"
        );
        for row in table() {
            assert!(msg.contains(row.name()), "{msg}");
        }
        assert!(
            msg.contains("short aliases: ttl, loop, if, iface, all,"),
            "{msg}"
        );
    }

    #[test]
    fn an_option_without_a_row_is_unsupported() {
        let e = lookup(&table()[..1], "ip_multicast_loop", &BOTH).unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert_eq!(
            e.to_string(),
            format!(
                "ip_multicast_loop is not supported on {}",
                std::env::consts::OS
            )
        );
    }

    #[test]
    fn integers() {
        assert_eq!(parse_int("5"), Some(5));
        assert_eq!(parse_int("-1"), Some(-1));
        assert_eq!(parse_int("+3"), Some(3));
        assert_eq!(parse_int("0xb8"), Some(0xb8));
        assert_eq!(parse_int("0XFF"), Some(255));
        for bad in ["", "abc", "0x", "1.5", "--1", "5 "] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }

    fn set(opt: Opt, value: &str) -> Result<Setting> {
        parse_setting(row(opt), value, &ifaces()).map(|(s, _)| s)
    }

    #[test]
    fn switches_take_words_and_numbers() {
        for (text, want) in [
            ("on", 1),
            ("OFF", 0),
            ("True", 1),
            ("false", 0),
            ("yes", 1),
            ("No", 0),
            ("1", 1),
            ("0", 0),
        ] {
            assert_eq!(
                set(Opt::MulticastLoop, text).unwrap(),
                Setting::Int(want),
                "{text}"
            );
        }
        // Any int goes to the kernel: IPv4 turns 2 into 1, IPv6 refuses it.
        assert_eq!(set(Opt::MulticastLoop, "2").unwrap(), Setting::Int(2));
        let e = set(Opt::MulticastLoop, "maybe").unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert_eq!(
            e.to_string(),
            "'maybe' is not valid for IP_MULTICAST_LOOP; it takes 0/1, on/off, true/false or yes/no"
        );
    }

    #[test]
    fn integers_out_of_the_kernels_range_still_go_to_the_kernel() {
        assert_eq!(set(Opt::MulticastTtl, "300").unwrap(), Setting::Int(300));
        assert_eq!(set(Opt::MulticastTtl, "-1").unwrap(), Setting::Int(-1));
        let e = set(Opt::MulticastTtl, "abc").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'abc' is not valid for IP_MULTICAST_TTL; it takes a whole number (decimal or 0x hex)"
        );
        let e = set(Opt::RcvBuf, "4294967296").unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert!(
            e.to_string()
                .starts_with("4294967296 does not fit the C int SO_RCVBUF takes"),
            "{e}"
        );
    }

    #[test]
    fn bytes_must_fit_a_byte() {
        let byte_row = Row {
            encoding: Encoding::Byte,
            ..*row(Opt::MulticastTtl)
        };
        let parse = |v| parse_setting(&byte_row, v, &ifaces()).map(|(s, _)| s);
        assert_eq!(parse("7").unwrap(), Setting::Byte(7));
        assert_eq!(parse("on").unwrap(), Setting::Byte(1));
        assert!(parse("300").is_err());
        assert!(parse("-1").is_err());
    }

    #[test]
    fn ipv4_interface_by_address_when_it_has_one_else_by_index() {
        assert_eq!(
            set(Opt::MulticastIf, "mc0").unwrap(),
            Setting::Addr("192.0.2.1".parse().unwrap())
        );
        assert_eq!(
            set(Opt::MulticastIf, "7").unwrap(),
            Setting::Addr("192.0.2.1".parse().unwrap())
        );
        // The address given wins over the interface's first one.
        assert_eq!(
            set(Opt::MulticastIf, "192.0.2.9").unwrap(),
            Setting::Addr("192.0.2.9".parse().unwrap())
        );
        assert_eq!(
            set(Opt::MulticastIf, "2001:db8::1").unwrap(),
            Setting::Addr("192.0.2.1".parse().unwrap())
        );
        let (s, how) = parse_setting(row(Opt::MulticastIf), "v6only", &ifaces()).unwrap();
        assert_eq!(s, Setting::AddrIndex(9));
        assert_eq!(
            how.unwrap(),
            format!(
                "v6only has no IPv4 address: set by index 9 ({})",
                platform::IFACE_INDEX_V4_FORM
            )
        );
        // Unknown indexes and addresses are the kernel's to judge.
        assert_eq!(set(Opt::MulticastIf, "42").unwrap(), Setting::AddrIndex(42));
        assert_eq!(set(Opt::MulticastIf, "0").unwrap(), Setting::AddrIndex(0));
        assert_eq!(
            set(Opt::MulticastIf, "198.51.100.1").unwrap(),
            Setting::Addr("198.51.100.1".parse().unwrap())
        );
        let e = set(Opt::MulticastIf, "eth9").unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert!(e.to_string().contains("lo (1), mc0 (7), v6only (9)"), "{e}");
    }

    #[test]
    fn ipv6_interface_by_index() {
        assert_eq!(set(Opt::MulticastIf6, "mc0").unwrap(), Setting::Index(7));
        assert_eq!(
            set(Opt::MulticastIf6, "192.0.2.1").unwrap(),
            Setting::Index(7)
        );
        assert_eq!(
            set(Opt::MulticastIf6, "2001:db8::9").unwrap(),
            Setting::Index(9)
        );
        assert_eq!(set(Opt::MulticastIf6, "42").unwrap(), Setting::Index(42));
        let e = set(Opt::MulticastIf6, "198.51.100.1").unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert!(
            e.to_string()
                .starts_with("no interface here has address 198.51.100.1"),
            "{e}"
        );
    }

    #[test]
    fn encodings_round_trip() {
        assert_eq!(
            Value::decode(Encoding::Int, &Setting::Int(-1).encode()),
            Some(Value::Int(-1))
        );
        assert_eq!(
            Value::decode(Encoding::Bool, &Setting::Int(1).encode()),
            Some(Value::Int(1))
        );
        assert_eq!(
            Value::decode(Encoding::Byte, &Setting::Byte(64).encode()),
            Some(Value::Int(64))
        );
        assert_eq!(
            Value::decode(Encoding::IfIndex, &Setting::Index(7).encode()),
            Some(Value::Index(7))
        );
        let a: Ipv4Addr = "192.0.2.1".parse().unwrap();
        assert_eq!(Setting::Addr(a).encode(), [192, 0, 2, 1]);
        assert_eq!(
            Value::decode(Encoding::IfaceV4, &Setting::Addr(a).encode()),
            Some(Value::Addr(a))
        );
        let by_index = Setting::AddrIndex(7).encode();
        if cfg!(unix) {
            // ip_mreqn { multiaddr, address, ifindex }
            assert_eq!(by_index.len(), 12);
            assert_eq!(by_index[..8], [0; 8]);
            assert_eq!(by_index[8..], 7i32.to_ne_bytes());
        } else {
            // 0.0.0.idx, the index in network byte order.
            assert_eq!(by_index, [0, 0, 0, 7]);
        }
        assert_eq!(Value::decode(Encoding::Int, &[3]), Some(Value::Int(3)));
        assert_eq!(Value::decode(Encoding::Int, &[1, 2]), None);
        assert_eq!(Value::decode(Encoding::IfaceV4, &[]), None);
    }

    #[test]
    fn values_name_interfaces() {
        let t = ifaces();
        assert_eq!(Value::Index(7).display(&t), "7 (mc0)");
        assert_eq!(Value::Index(0).display(&t), "0");
        assert_eq!(Value::Index(99).display(&t), "99");
        assert_eq!(
            Value::Addr("192.0.2.9".parse().unwrap()).display(&t),
            "192.0.2.9 (mc0)"
        );
        assert_eq!(Value::Addr(Ipv4Addr::UNSPECIFIED).display(&t), "0.0.0.0");
        assert_eq!(Value::Int(-1).to_json(), json!(-1));
        assert_eq!(
            Value::Addr(Ipv4Addr::UNSPECIFIED).to_json(),
            json!("0.0.0.0")
        );
    }

    fn sets(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plans_one_request_per_family() {
        let reqs = plan(
            &sets(&[("ttl", "5"), ("rcvbuf", "65536")]),
            &BOTH,
            None,
            &ifaces(),
        )
        .unwrap();
        let got: Vec<(&str, Family)> = reqs.iter().map(|r| (r.row.name(), r.family)).collect();
        assert_eq!(
            got,
            [
                ("IP_MULTICAST_TTL", Family::V4),
                ("IPV6_MULTICAST_HOPS", Family::V6),
                ("SO_RCVBUF", Family::V4),
                ("SO_RCVBUF", Family::V6),
            ]
        );
    }

    #[test]
    fn an_option_set_twice_is_bad_input() {
        let e = plan(
            &sets(&[("ttl", "5"), ("IPV6_MULTICAST_HOPS", "3")]),
            &BOTH,
            None,
            &ifaces(),
        )
        .unwrap_err();
        assert_eq!(classify(&e), Exit::BadInput);
        assert_eq!(
            e.to_string(),
            "--set ttl=5 and --set IPV6_MULTICAST_HOPS=3 both set IPV6_MULTICAST_HOPS; set each option once"
        );
        // With -4 the same pair does not overlap... but IPV6_* is then out of reach.
        let e = plan(&sets(&[("ttl", "x")]), &BOTH, None, &ifaces()).unwrap_err();
        assert_eq!(format!("{e:#}"), "--set ttl=x: 'x' is not valid for IP_MULTICAST_TTL; it takes a whole number (decimal or 0x hex)");
    }

    #[test]
    fn dash_i_picks_the_outgoing_interface_unless_set() {
        let t = ifaces();
        let mc0 = t.resolve("mc0").unwrap();
        let reqs = plan(&[], &BOTH, Some(&mc0), &t).unwrap();
        let got: Vec<(&str, Setting, Option<&str>)> = reqs
            .iter()
            .map(|r| (r.row.name(), r.setting, r.origin))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "IP_MULTICAST_IF",
                    Setting::Addr("192.0.2.1".parse().unwrap()),
                    Some("-i")
                ),
                ("IPV6_MULTICAST_IF", Setting::Index(7), Some("-i")),
            ]
        );
        let reqs = plan(&sets(&[("IP_MULTICAST_IF", "lo")]), &BOTH, Some(&mc0), &t).unwrap();
        let got: Vec<(&str, Setting, Option<&str>)> = reqs
            .iter()
            .map(|r| (r.row.name(), r.setting, r.origin))
            .collect();
        assert_eq!(
            got,
            [
                ("IP_MULTICAST_IF", Setting::Addr(Ipv4Addr::LOCALHOST), None),
                ("IPV6_MULTICAST_IF", Setting::Index(7), Some("-i")),
            ]
        );
    }

    /// Linux's numbers and texts (the table and these tests run natively).
    #[test]
    #[cfg(target_os = "linux")]
    fn errno_names_and_text() {
        let e = io::Error::from_raw_os_error(22);
        assert_eq!(errno_text(&e), "EINVAL (Invalid argument)");
    }

    #[test]
    fn wraps_on_words() {
        assert_eq!(wrap_for_test("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap_for_test("unbreakable", 4), ["unbreakable"]);
        assert!(wrap_for_test("", 10).is_empty());
    }

    fn wrap_for_test(text: &str, width: usize) -> Vec<String> {
        render::wrap(text, width)
    }

    #[cfg(target_os = "linux")]
    fn report(section: &Section, opt: Opt) -> &Report {
        section.rows.iter().find(|r| r.row.opt == opt).unwrap()
    }

    #[cfg(target_os = "linux")]
    fn value(section: &Section, opt: Opt) -> Value {
        *report(section, opt).value.as_ref().unwrap()
    }

    // Opening a socket and setting options sends nothing: safe outside a
    // namespace. No joins here.
    /// Linux's answers (IP_MULTICAST_ALL, the doubled buffer).
    #[test]
    #[cfg(target_os = "linux")]
    fn a_real_socket_reads_back_what_was_set() {
        let reqs = plan(
            &sets(&[
                ("ttl", "5"),
                ("loop", "off"),
                ("rcvbuf", "65536"),
                ("IP_MULTICAST_ALL", "0"),
            ]),
            &[Family::V4],
            None,
            &ifaces(),
        )
        .unwrap();
        let s = probe(Family::V4, &reqs, &[], None).unwrap();
        assert!(!s.failed());
        assert_eq!(value(&s, Opt::MulticastTtl), Value::Int(5));
        assert_eq!(value(&s, Opt::MulticastLoop), Value::Int(0));
        assert_eq!(value(&s, Opt::MulticastAll), Value::Int(0));
        // Linux doubles the request for its own bookkeeping.
        assert_eq!(value(&s, Opt::RcvBuf), Value::Int(131_072));
        // Untouched options read their defaults.
        assert_eq!(value(&s, Opt::Tos), Value::Int(0));
        assert_eq!(
            value(&s, Opt::MulticastIf),
            Value::Addr(Ipv4Addr::UNSPECIFIED)
        );
        assert_eq!(
            s.rows.len(),
            table()
                .iter()
                .filter(|r| r.opt.scope().applies_to(Family::V4))
                .count()
        );
    }

    #[test]
    fn a_fresh_socket_reads_the_tables_defaults() {
        for family in BOTH {
            let Ok(s) = probe(family, &[], &[], None) else {
                continue; // IPv6 may be disabled on this host.
            };
            for r in &s.rows {
                assert_eq!(r.value.as_ref().ok(), Some(&r.default), "{}", r.row.name());
            }
        }
    }

    /// Linux's errno text.
    #[test]
    #[cfg(target_os = "linux")]
    fn kernel_refusals_are_recorded_not_returned() {
        let reqs = plan(
            &sets(&[("IP_MULTICAST_TTL", "300")]),
            &[Family::V4],
            None,
            &ifaces(),
        )
        .unwrap();
        let s = probe(Family::V4, &reqs, &[], None).unwrap();
        assert!(s.failed());
        let r = report(&s, Opt::MulticastTtl);
        assert_eq!(
            r.set_error.as_ref().and_then(platform::errno),
            Some(platform::Errno::Invalid)
        );
        assert_eq!(
            r.set_error_line().unwrap(),
            "IP_MULTICAST_TTL=300: EINVAL (Invalid argument)"
        );
        assert_eq!(r.value.as_ref().ok(), Some(&Value::Int(1)));
        assert_eq!(r.notes()[0], "refused: EINVAL");
    }

    /// An interface named with ESC and BEL: escaped in every cell, note
    /// and join line of the text table; as given (JSON-escaped) in JSON.
    #[test]
    fn interface_names_with_controls_are_escaped_in_the_table() {
        let name = "x\u{1b}[1mY\u{7}";
        let bad = Iface::named(name, 4);
        let table = IfaceTable::from_ifaces([bad.clone()]);
        let reqs = plan(&[], &[Family::V4], Some(&bad), &table).unwrap();
        let req = reqs[0].clone();
        let section = Section {
            family: Family::V4,
            rows: vec![Report {
                row: req.row,
                family: Family::V4,
                value: Ok(Value::Addr(Ipv4Addr::UNSPECIFIED)),
                request: Some(req),
                set_error: Some(io::Error::from_raw_os_error(22)),
                default: Value::Addr(Ipv4Addr::UNSPECIFIED),
            }],
            joins: vec![JoinReport {
                group: "239.1.1.1".parse().unwrap(),
                source: None,
                iface: Some(bad),
                error: None,
            }],
        };
        let text = render_text(&section, &table);
        assert!(
            !text.lines().any(|l| l.chars().any(char::is_control)),
            "{text}"
        );
        assert!(text.contains("x\\x1b[1mY\\x07 (-i)"), "{text}");
        assert!(
            text.contains("on x\\x1b[1mY\\x07 (index 4): joined"),
            "{text}"
        );
        let line = section.rows[0].set_error_line().unwrap();
        assert!(
            line.starts_with("IP_MULTICAST_IF=x\\x1b[1mY\\x07:"),
            "{line}"
        );
        let records = json_records(&section);
        assert_eq!(records[0]["requested"], name);
        assert_eq!(records[1]["iface"], name);
    }

    /// The section's records as JSON values, as `--format json` prints them.
    fn json_records(section: &Section) -> Vec<serde_json::Value> {
        crate::record::sockopt_records(section)
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect()
    }

    #[test]
    fn text_table_fits_and_json_records_carry_a_type() {
        let reqs = plan(&sets(&[("ttl", "5")]), &[Family::V4], None, &ifaces()).unwrap();
        let s = probe(Family::V4, &reqs, &[], None).unwrap();
        let text = render_text(&s, &ifaces());
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("IPv4 UDP socket"));
        let header = lines.next().unwrap();
        assert!(
            header.starts_with("OPTION") && header.ends_with("NOTES"),
            "{header}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
        assert!(
            text.lines()
                .any(|l| l.starts_with("IP_MULTICAST_TTL ") && l.contains(" 5 ")),
            "{text}"
        );
        let records = json_records(&s);
        assert_eq!(records.len(), s.rows.len());
        let ttl = records
            .iter()
            .find(|r| r["option"] == "IP_MULTICAST_TTL")
            .unwrap();
        assert_eq!(ttl["type"], "sockopt");
        assert_eq!(ttl["family"], "IPv4");
        assert_eq!(ttl["level"], "IPPROTO_IP");
        assert_eq!(ttl["value"], 5);
        assert_eq!(ttl["requested"], "5");
        assert_eq!(ttl["default"], 1);
        assert!(ttl["set_error"].is_null());
    }
}
