//! `mcast doctor`: the checks of [`crate::doctor`], then an end-to-end
//! self-test on each family's chosen interface, printed as text or JSON
//! Lines. Exit 1 when a check found a problem.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use anyhow::Result;

use crate::cmd::selftest;
use crate::config::{DoctorConfig, Group, Iface, Ui};
use crate::doctor::{self, Check, Request, Status, ThisHost};
use crate::exit::Exit;
use crate::output::host::{check_text, doctor_summary_text};
use crate::output::json::write_record;
use crate::platform::Family;
use crate::record::{DoctorCheck, DoctorSummary};

/// The self-test's groups: organization-local and site-local scope, so
/// they would not be routed far even if a packet escaped (none does: TTL 0).
const SELFTEST_V4: Group = Group {
    addr: IpAddr::V4(Ipv4Addr::new(239, 255, 77, 77)),
    port: 5000,
    source: None,
};
const SELFTEST_V6: Group = Group {
    addr: IpAddr::V6(Ipv6Addr::new(0xff15, 0, 0, 0, 0, 0, 0x77, 0x77)),
    port: 5000,
    source: None,
};
/// Bounded: 20 packets at 20,000/s, at most 2 s of waiting.
const SELFTEST_COUNT: u64 = 20;
const SELFTEST_TIMEOUT: Duration = Duration::from_secs(2);

pub fn run(cfg: DoctorConfig, ui: Ui) -> Result<Exit> {
    let req = Request {
        groups: &cfg.groups,
        iface: cfg.iface.as_ref(),
        table: &cfg.ifaces,
        querier_wait: cfg.querier_wait,
    };
    let host = ThisHost;
    let mut checks = doctor::checks(&req, &host);
    for (family, iface) in doctor::chosen_ifaces(&req, &host) {
        checks.push(selftest_check(family, iface.as_ref()));
    }
    let summary = DoctorSummary::new(&checks);
    let mut out = io::stdout().lock();
    if cfg.json {
        for c in &checks {
            write_record(&mut out, &DoctorCheck::from(c))?;
        }
        write_record(&mut out, &summary)?;
    } else if !ui.quiet {
        for c in &checks {
            out.write_all(check_text(c, ui.color).as_bytes())?;
        }
        out.write_all(doctor_summary_text(&summary).as_bytes())?;
    }
    out.flush()?;
    Ok(if summary.problems > 0 {
        Exit::NotDelivered
    } else {
        Exit::Success
    })
}

/// Sends to and receives from this host on the interface, TTL 0.
fn selftest_check(family: Family, iface: Option<&Iface>) -> Check {
    const NAME: &str = "selftest";
    let Some(iface) = iface else {
        return Check {
            name: NAME,
            status: Status::Skipped,
            detail: format!("no {} interface to test on (see route)", family.name()),
            fix: None,
        };
    };
    let group = if family == Family::V4 {
        SELFTEST_V4
    } else {
        SELFTEST_V6
    };
    let skip = |why: String| Check {
        name: NAME,
        status: Status::Skipped,
        detail: why,
        fix: None,
    };
    if !iface.up || !iface.multicast {
        return skip(format!(
            "not run: {iface} is down or has MULTICAST off (see interface)"
        ));
    }
    if family == Family::V6 && iface.loopback {
        return skip(format!(
            "not run: IPv6 multicast does not loop back over {iface}"
        ));
    }
    match selftest::exchange(&group, iface, SELFTEST_COUNT, SELFTEST_TIMEOUT) {
        Ok(x) if x.ok => Check {
            name: NAME,
            status: Status::Ok,
            detail: format!(
                "{} test packets sent to {group} on {iface} with TTL 0 came back intact{}",
                x.sent,
                x.first_after.map_or_else(String::new, |d| format!(
                    ", the first {:.2} ms after the join",
                    d.as_secs_f64() * 1e3
                ))
            ),
            fix: None,
        },
        Ok(x) => Check {
            name: NAME,
            status: Status::Problem,
            detail: format!(
                "{} test packets sent to {group} on {iface} with TTL 0: {} came back ({} intact) within {} s; this host does not deliver its own multicast there",
                x.sent,
                x.received,
                x.intact,
                SELFTEST_TIMEOUT.as_secs()
            ),
            fix: Some(format!(
                "check the checks above; then: mcast listen {group} -i {} -v",
                crate::escape::name(&iface.name)
            )),
        },
        Err(e) => Check {
            name: NAME,
            status: Status::Problem,
            detail: format!("testing {group} on {iface} failed: {e:#}"),
            fix: None,
        },
    }
}
