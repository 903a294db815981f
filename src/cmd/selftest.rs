//! `mcast selftest`: does multicast work on this host at all? Sends test
//! packets with TTL 0 over loopback and receives them, so nothing leaves
//! the host whatever its routes say.

use std::time::SystemTime;

use anyhow::{Context, Result};

use crate::config::{SelftestConfig, StopRule, Ui};
use crate::exit::Exit;
use crate::platform::{self, Family};
use crate::recv::counters::Counters;
use crate::recv::{self, Packet, Receiver, Sink};
use crate::testpacket;
use crate::usage;

struct Check {
    counters: Counters,
    intact: u64,
}

impl Sink for Check {
    fn packet(&mut self, p: &Packet<'_>) -> std::io::Result<()> {
        self.counters.record(p);
        if p.test.is_some_and(|h| testpacket::is_intact(p.payload, &h)) {
            self.intact += 1;
        }
        Ok(())
    }
}

pub fn run(cfg: SelftestConfig, ui: Ui) -> Result<Exit> {
    let lo = cfg
        .ifaces
        .iter()
        .find(|i| i.loopback && i.first_v4().is_some())
        .cloned()
        .ok_or_else(|| {
            usage!("no loopback interface with an IPv4 address; the self-test needs one")
        })?;
    let lo_addr = lo.first_v4().unwrap_or(std::net::Ipv4Addr::LOCALHOST);
    let mut rx = Receiver::open(std::slice::from_ref(&cfg.group), Some(&lo), 1 << 20, false)?;
    let sock = platform::open_sender(Family::V4, None).context("opening the sending socket")?;
    // TTL 0: delivered to this host's sockets, never put on a wire.
    sock.set_multicast_ttl_v4(0).context("setting TTL 0")?;
    sock.set_multicast_loop_v4(true)
        .context("turning loopback on")?;
    platform::set_multicast_iface(&sock, Family::V4, lo.index, Some(lo_addr))
        .with_context(|| format!("choosing {lo} for outgoing multicast"))?;
    let to = cfg.group.socket_addr().into();
    let mut buf = vec![0u8; 64];
    for seq in 0..cfg.count {
        testpacket::write(&mut buf, 0x5e1f_7e57, seq, SystemTime::now());
        sock.send_to(&buf, &to)
            .with_context(|| format!("sending to {} on {lo}", cfg.group))?;
    }
    let mut check = Check {
        counters: Counters::new(&rx),
        intact: 0,
    };
    let rule = StopRule {
        count: Some(cfg.count),
        timeout: Some(cfg.timeout),
        duration: None,
    };
    let outcome = recv::run(&mut rx, &rule, None, &mut check)?;
    let ok = outcome.met(&rule) && check.intact == cfg.count;
    if !ui.quiet {
        let first = check.counters.first_after[0].map_or_else(
            || "-".to_string(),
            |d| format!("{:.2} ms", d.as_secs_f64() * 1e3),
        );
        println!(
            "selftest {}: sent {} test packets to {} on {lo} with TTL 0, received {} ({} intact); \
             first after {first}",
            if ok { "passed" } else { "FAILED" },
            cfg.count,
            cfg.group,
            outcome.packets,
            check.intact,
        );
        if !ok {
            println!("  multicast does not loop back on this host: check that {} is up and has the MULTICAST flag (ip link set {} multicast on)", lo.name, lo.name);
        }
    }
    Ok(if ok {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}
