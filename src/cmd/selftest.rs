//! `mcast selftest`: does multicast work on this host at all? Sends test
//! packets with TTL 0 over loopback and receives them, so nothing leaves
//! the host whatever its routes say.

use anyhow::{Context, Result};

use crate::analysis::JoinLatency;
use crate::config::{Group, Iface, Pace, SelftestConfig, StopRule, Ui};
use crate::exit::Exit;
use crate::platform::Family;
use crate::recv::{self, Packet, Receiver, Sink};
use crate::send::{Content, Limit, Schedule, Sender, SenderSetup};
use crate::testpacket;
use crate::usage;

/// Receive buffer to ask for: room for a burst while the receiver is not
/// scheduled (about 1,300 test packets of 768 kernel bytes each on Linux).
const RCVBUF: usize = 1 << 20;
/// Packets per second: the receiver reads while the sender sends, and at
/// this rate it keeps up on any host, whatever `--count` asks.
const RATE: f64 = 20_000.0;
/// Test packet size: the header and a little padding to check.
const SIZE: usize = 64;
/// The sender id the self-test's packets carry.
const SENDER: u64 = 0x5e1f_7e57;

struct Check {
    counters: JoinLatency,
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

/// What one loop-back exchange saw.
#[derive(Debug, Clone, Copy)]
pub struct Exchange {
    pub sent: u64,
    pub received: u64,
    pub intact: u64,
    /// From the join to the first packet.
    pub first_after: Option<std::time::Duration>,
    /// Every packet arrived intact within the timeout.
    pub ok: bool,
}

/// Sends `count` test packets to `group` on `iface` with TTL (hop limit)
/// 0 and loopback on, and receives them: they reach this host's sockets
/// and are never put on a wire, whatever the interface. `mcast doctor`
/// runs it on the interface it checks.
pub fn exchange(
    group: &Group,
    iface: &Iface,
    count: u64,
    timeout: std::time::Duration,
) -> Result<Exchange> {
    let mut rx = Receiver::open(std::slice::from_ref(group), Some(iface), RCVBUF, false)?;
    let mut tx = Sender::open(&SenderSetup {
        family: Family::of(group.addr),
        iface: Some(iface),
        bind: None,
        // TTL 0: delivered to this host's sockets, never put on a wire.
        ttl: Some(0),
        loopback: Some(true),
    })?;
    let sending = || format!("sending to {group} on {iface}");
    tx.aim(&[group.socket_addr()]).with_context(sending)?;
    let content = Content::Test {
        size: SIZE,
        sender: SENDER,
    };
    let limit = Limit {
        count: Some(count),
        duration: None,
    };
    let mut check = Check {
        counters: JoinLatency::new(&rx),
        intact: 0,
    };
    let rule = StopRule {
        count: Some(count),
        timeout: Some(timeout),
        duration: None,
    };
    // Send on a thread while receiving here: a queue that had to hold
    // every packet would overflow for a large --count and look like a
    // loopback fault.
    let (sent, outcome) = std::thread::scope(|s| {
        let sender = s.spawn(|| tx.run(&content, Schedule::new(Pace::Rate(RATE)), &limit));
        let outcome = recv::run(&mut rx, &rule, None, &mut check);
        (sender.join(), outcome)
    });
    sent.map_err(|_| anyhow::anyhow!("the sending thread panicked"))?
        .map_err(|r| anyhow::Error::new(r.error).context(sending()))?;
    let outcome = outcome?;
    Ok(Exchange {
        sent: count,
        received: outcome.packets,
        intact: check.intact,
        first_after: check.counters.first_after[0],
        ok: outcome.met(&rule) && check.intact == count,
    })
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
    let seen = exchange(&cfg.group, &lo, cfg.count, cfg.timeout)?;
    let ok = seen.ok;
    if !ui.quiet {
        let first = seen.first_after.map_or_else(
            || "-".to_string(),
            |d| format!("{:.2} ms", d.as_secs_f64() * 1e3),
        );
        crate::out!(
            "selftest {}: sent {} test packets to {} on {lo} with TTL 0, received {} ({} intact); \
             first after {first}",
            if ok { "passed" } else { "FAILED" },
            cfg.count,
            cfg.group,
            seen.received,
            seen.intact,
        )?;
        if !ok {
            let name = crate::escape::name(&lo.name);
            crate::out!(
                "  multicast does not loop back on this host: check that {name} is up and has \
                 the MULTICAST flag (ip link set {name} multicast on)"
            )?;
        }
    }
    Ok(if ok {
        Exit::Success
    } else {
        Exit::NotDelivered
    })
}
