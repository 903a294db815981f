//! Golden tests of `mcast ifaces` and `mcast doctor` output, pinned byte
//! for byte in `golden/` (`ifaces.*`, `doctor.*`), from fixed facts.

use std::net::IpAddr;

use crate::config::{Iface, IfaceTable};
use crate::doctor::{Check, Status};
use crate::output::host::{check_text, doctor_summary_text, ifaces_text};
use crate::output::json::write_record;
use crate::platform::{IfaceInfo, RouteTo};
use crate::record::{DoctorCheck, DoctorSummary, Interface, MulticastRoute};
use crate::routes::Route;

use crate::record::pinned::same;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn infos() -> Vec<IfaceInfo> {
    vec![
        IfaceInfo {
            name: "lo".into(),
            alias: None,
            index: 1,
            addrs: vec![ip("127.0.0.1"), ip("::1")],
            prefixes: vec![Some(8), Some(128)],
            up: true,
            running: true,
            multicast: false,
            loopback: true,
            mtu: Some(65536),
        },
        IfaceInfo {
            name: "mc0".into(),
            alias: Some("Ethernet 2".into()),
            index: 3,
            addrs: vec![ip("192.0.2.1"), ip("2001:db8::1")],
            prefixes: vec![Some(24), None],
            up: true,
            running: true,
            multicast: true,
            loopback: false,
            mtu: Some(1500),
        },
        IfaceInfo {
            name: "x\u{1b}[1m".into(),
            alias: None,
            index: 4,
            addrs: vec![],
            prefixes: vec![],
            up: false,
            running: false,
            multicast: true,
            loopback: false,
            mtu: None,
        },
    ]
}

fn routes() -> Vec<Route> {
    let mut mc0 = Iface::named("mc0", 3);
    mc0.v4 = vec!["192.0.2.1".parse().unwrap()];
    let table = IfaceTable::from_ifaces([mc0]);
    vec![
        Route::find(ip("239.255.0.1"), &table, &|_| {
            Ok(RouteTo {
                source: Some(ip("192.0.2.1")),
                ifindex: Some(3),
            })
        }),
        Route::find(ip("ff15::1"), &table, &|_| {
            Err(std::io::Error::other("Network is unreachable"))
        }),
    ]
}

#[test]
fn ifaces_text_and_json() {
    let infos = infos();
    let routes = routes();
    let rows: Vec<Interface<'_>> = infos.iter().map(|i| Interface::new(i, &routes)).collect();
    let recs: Vec<MulticastRoute<'_>> = routes.iter().map(MulticastRoute::from).collect();
    same(
        ifaces_text(&rows, &recs).as_bytes(),
        include_str!("golden/ifaces.text"),
        "ifaces.text",
    );
    let mut json = Vec::new();
    for r in &rows {
        write_record(&mut json, r).unwrap();
    }
    for r in &recs {
        write_record(&mut json, r).unwrap();
    }
    same(&json, include_str!("golden/ifaces.jsonl"), "ifaces.jsonl");
}

fn checks() -> Vec<Check> {
    vec![
        Check {
            name: "interface",
            status: Status::Ok,
            detail: "mc0 (index 3) is up, running and has MULTICAST on".into(),
            fix: None,
        },
        Check {
            name: "rp_filter",
            status: Status::Problem,
            detail: "strict reverse-path filtering on mc0 (effective 1 = max(all 1, mc0 0)) silently drops multicast from 203.0.113.5 (no route back to it): tcpdump sees it, sockets do not".into(),
            fix: Some("sysctl -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.mc0.rp_filter=2".into()),
        },
        Check {
            name: "scope",
            status: Status::Warning,
            detail: "224.0.0.251 is link-local: switches flood it\u{7}".into(),
            fix: Some("use a group of wider scope".into()),
        },
        Check {
            name: "firewall",
            status: Status::Skipped,
            detail: "not checked on this OS".into(),
            fix: None,
        },
    ]
}

#[test]
fn doctor_text_plain_and_coloured() {
    let checks = checks();
    let sum = DoctorSummary::new(&checks);
    let mut text = String::new();
    let mut coloured = String::new();
    for c in &checks {
        text += &check_text(c, false);
        coloured += &check_text(c, true);
    }
    text += &doctor_summary_text(&sum);
    same(
        text.as_bytes(),
        include_str!("golden/doctor.text"),
        "doctor.text",
    );
    assert!(
        coloured.starts_with("\u{1b}[32mok      \u{1b}[0m interface"),
        "{coloured}"
    );
    assert!(
        coloured.contains("\u{1b}[31mPROBLEM \u{1b}[0m rp_filter"),
        "{coloured}"
    );
}

#[test]
fn doctor_json() {
    let checks = checks();
    let mut json = Vec::new();
    for c in &checks {
        write_record(&mut json, &DoctorCheck::from(c)).unwrap();
    }
    write_record(&mut json, &DoctorSummary::new(&checks)).unwrap();
    same(&json, include_str!("golden/doctor.jsonl"), "doctor.jsonl");
}

#[test]
fn doctor_summary_status_is_the_worst_check() {
    let mut checks = checks();
    assert_eq!(DoctorSummary::new(&checks).status, "problem");
    checks.remove(1);
    assert_eq!(DoctorSummary::new(&checks).status, "warning");
    checks.remove(1);
    let sum = DoctorSummary::new(&checks);
    assert_eq!((sum.status, sum.ok, sum.skipped), ("ok", 1, 1));
}
