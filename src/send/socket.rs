//! The sending socket: opened once with the interface, TTL (hop limit),
//! loopback and source asked for, then aimed at its destinations.

use std::io;
use std::net::SocketAddr;

use anyhow::{Context, Result};
use socket2::{SockAddr, Socket};

use crate::config::Iface;
use crate::platform::{self, Family};

/// How to set up a sending socket; `None` keeps the OS default.
#[derive(Debug, Clone, Copy)]
pub struct SenderSetup<'a> {
    pub family: Family,
    /// Outgoing interface for multicast; default: the kernel's routes.
    pub iface: Option<&'a Iface>,
    /// Source address (and port).
    pub bind: Option<SocketAddr>,
    /// Multicast TTL (IPv4) or hop limit (IPv6).
    pub ttl: Option<u8>,
    /// Deliver to listeners on this host too.
    pub loopback: Option<bool>,
}

/// What the socket really does, read back after setting it up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effective {
    pub ttl: u32,
    pub loopback: bool,
    /// The source address, once the kernel has chosen it (connected or
    /// bound).
    pub source: Option<SocketAddr>,
}

/// A socket set up for sending, and where its datagrams go.
pub struct Sender {
    sock: Socket,
    family: Family,
    bound: bool,
    pub(super) targets: Vec<SockAddr>,
    /// Connected to its only destination: datagrams carry no address.
    pub(super) connected: bool,
}

impl Sender {
    /// Opens the socket and applies `setup`; errors name the step.
    pub fn open(setup: &SenderSetup<'_>) -> Result<Self> {
        let sock =
            platform::open_sender(setup.family, setup.bind).with_context(|| match setup.bind {
                Some(b) => format!("binding the sending socket to {b}"),
                None => "opening the sending socket".to_string(),
            })?;
        Self::adopt(sock, setup)
    }

    /// Sends from a socket opened elsewhere (a receiving socket, so that
    /// replies come back to it), set up as `setup` says; `setup.bind` is
    /// ignored: the socket is already bound.
    pub fn adopt(sock: Socket, setup: &SenderSetup<'_>) -> Result<Self> {
        let family = setup.family;
        let bound = setup.bind.is_some()
            || sock
                .local_addr()
                .is_ok_and(|a| a.as_socket().is_some_and(|a| a.port() != 0));
        if let Some(iface) = setup.iface {
            platform::set_multicast_iface(&sock, family, iface.index, iface.first_v4())
                .with_context(|| format!("choosing {iface} for outgoing multicast"))?;
        }
        if let Some(ttl) = setup.ttl {
            match family {
                Family::V4 => sock.set_multicast_ttl_v4(ttl.into()),
                Family::V6 => sock.set_multicast_hops_v6(ttl.into()),
            }
            .with_context(|| format!("setting the multicast TTL to {ttl}"))?;
            tracing::debug!("setsockopt multicast TTL/hops = {ttl}");
        }
        if let Some(on) = setup.loopback {
            match family {
                Family::V4 => sock.set_multicast_loop_v4(on),
                Family::V6 => sock.set_multicast_loop_v6(on),
            }
            .context("setting multicast loopback")?;
            tracing::debug!("setsockopt multicast loop = {}", on as u8);
        }
        Ok(Self {
            sock,
            family,
            bound,
            targets: Vec::new(),
            connected: false,
        })
    }

    /// Sets where every tick's datagrams go. A single destination is
    /// connected to: that fixes the route once (not per packet) and tells
    /// the source address the kernel picked. The error is the kernel's
    /// refusal of that destination, for the caller to name.
    pub fn aim(&mut self, targets: &[SocketAddr]) -> io::Result<()> {
        self.targets = targets.iter().map(|&t| t.into()).collect();
        self.connected = false;
        if let [only] = self.targets.as_slice() {
            self.sock.connect(only)?;
            self.connected = true;
        }
        Ok(())
    }

    /// Sets the TTL (hop limit) of unicast datagrams.
    pub fn set_unicast_ttl(&self, ttl: u8) -> Result<()> {
        match self.family {
            Family::V4 => self.sock.set_ttl_v4(ttl.into()),
            Family::V6 => self.sock.set_unicast_hops_v6(ttl.into()),
        }
        .with_context(|| format!("setting the unicast TTL to {ttl}"))
    }

    /// Sends one datagram to `to`, whatever the socket is aimed at (a
    /// reply): one system call, nothing allocated.
    pub fn send_to(&self, datagram: &[u8], to: SocketAddr) -> io::Result<usize> {
        self.sock.send_to(datagram, &to.into())
    }

    /// Sets the destinations without connecting to one: the socket keeps
    /// receiving from anyone (a prober hears replies from every responder).
    pub fn aim_unconnected(&mut self, targets: &[SocketAddr]) {
        self.targets = targets.iter().map(|&t| t.into()).collect();
        self.connected = false;
    }

    /// The IP version it sends.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The socket, for what the engine does not do (e.g. replies).
    pub fn socket(&self) -> &Socket {
        &self.sock
    }

    /// The TTL, loopback and source address in effect.
    pub fn effective(&self) -> io::Result<Effective> {
        let sock = &self.sock;
        let (ttl, loopback) = match self.family {
            Family::V4 => (sock.multicast_ttl_v4()?, sock.multicast_loop_v4()?),
            Family::V6 => (sock.multicast_hops_v6()?, sock.multicast_loop_v6()?),
        };
        // Unconnected and unbound, the socket has no address yet.
        let source = sock
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .filter(|a| self.connected || self.bound || a.port() != 0);
        Ok(Effective {
            ttl,
            loopback,
            source,
        })
    }
}
