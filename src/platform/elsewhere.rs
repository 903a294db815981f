//! What only Linux does (IGMP/MLD watching, `/proc/net`, MTUs, the
//! kernel's own route answer), as the other OSes answer it: one copy for
//! the BSDs and Windows, each function saying "not available on this OS"
//! or taking the portable way.

use std::io;

use socket2::Socket;

/// Raw IGMP/MLD observation is implemented on Linux only.
pub fn open_igmp_raw() -> io::Result<Socket> {
    Err(super::unsupported("watching IGMP with a raw socket"))
}

/// See [`open_igmp_raw`].
pub fn open_mld_raw() -> io::Result<Socket> {
    Err(super::unsupported("watching MLD with a raw socket"))
}

/// See [`open_igmp_raw`].
pub fn recv_raw(
    _sock: &Socket,
    _buf: &mut [u8],
    _ctrl: &mut super::cmsg::CmsgBuf,
) -> io::Result<Option<super::RecvMeta>> {
    Err(super::unsupported("watching IGMP/MLD"))
}

/// Seeing this host's own reports needs Linux's packet sockets.
pub fn open_report_tap() -> io::Result<Socket> {
    Err(super::unsupported("watching IGMP/MLD reports"))
}

/// See [`open_report_tap`].
pub fn recv_tap(
    _sock: &Socket,
    _buf: &mut [u8],
) -> io::Result<Option<(usize, u32, super::TapDirection)>> {
    Err(super::unsupported("watching IGMP/MLD reports"))
}

/// Linux's `/proc/net` membership tables have no counterpart read here.
pub fn proc_net(name: &str) -> io::Result<String> {
    Err(super::unsupported(&format!("Linux's /proc/net/{name}")))
}

/// `None`: mcast reads interface MTUs on Linux only.
pub fn if_mtu(_name: &str) -> Option<u32> {
    None
}

/// The route's source address by `connect()` (see `host.rs`); the
/// interface is found from it by the caller.
pub fn route_to(dest: std::net::IpAddr) -> io::Result<super::RouteTo> {
    super::host::route_by_connect(dest)
}
