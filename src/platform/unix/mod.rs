//! What Linux and the BSDs share: option calls through libc, socket
//! addresses, errno names, readiness with poll(2), stdout as a file,
//! batched receive and send (`batch.rs`) and RFC 3678 memberships
//! (`membership.rs`).
#![allow(unsafe_code)]

mod batch;
mod membership;

pub use batch::{recv_into, send_from, RecvState, SendState};
pub use membership::{encode_iface_index_v4, join, join_call, leave, IFACE_INDEX_V4_FORM};

use std::io;
use std::mem::{size_of, MaybeUninit};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Duration;

use socket2::{SockAddr, Socket};
use tracing::debug;

use super::{Errno, Family};

pub fn level(family: Family) -> libc::c_int {
    match family {
        Family::V4 => libc::IPPROTO_IP,
        Family::V6 => libc::IPPROTO_IPV6,
    }
}

/// Sets an integer socket option, logging it for `-vv`.
pub fn set_int(
    sock: &Socket,
    level: libc::c_int,
    name: libc::c_int,
    label: &str,
    v: i32,
) -> io::Result<()> {
    setsockopt_raw(sock, level, name, &v.to_ne_bytes())?;
    debug!("setsockopt {label} = {v}");
    Ok(())
}

/// `setsockopt` with the value as bytes: the option catalogue knows each
/// option's width and encoding, this only passes them through.
pub fn setsockopt_raw(sock: &Socket, level: i32, name: i32, value: &[u8]) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `value` is a live buffer of `len` bytes; the kernel copies it.
    let rc = unsafe { libc::setsockopt(sock.as_raw_fd(), level, name, value.as_ptr().cast(), len) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `getsockopt` into `buf`; returns how many bytes the kernel wrote.
pub fn getsockopt_raw(sock: &Socket, level: i32, name: i32, buf: &mut [u8]) -> io::Result<usize> {
    let mut len = libc::socklen_t::try_from(buf.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `buf` is writable for `len` bytes and `len` is updated by the
    // kernel to what it wrote, never more than it was given.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            level,
            name,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc == 0 {
        Ok((len as usize).min(buf.len()))
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `setsockopt` with a plain C struct.
pub fn setsockopt_struct<T>(sock: &Socket, level: i32, name: i32, value: &T) -> io::Result<()> {
    // SAFETY: `value` is a plain C struct of `size_of::<T>()` bytes.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            size_of::<T>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// An address as the kernel's `sockaddr_storage` (with `sin_len` on the
/// BSDs: socket2 fills it in).
pub fn storage(ip: IpAddr) -> libc::sockaddr_storage {
    let addr = SockAddr::from(SocketAddr::new(ip, 0));
    let mut out = MaybeUninit::<libc::sockaddr_storage>::zeroed();
    // SAFETY: SockAddr holds at most a sockaddr_storage; we copy its `len`
    // initialised bytes into a zeroed one.
    unsafe {
        std::ptr::copy_nonoverlapping(
            addr.as_ptr().cast::<u8>(),
            out.as_mut_ptr().cast::<u8>(),
            (addr.len() as usize).min(size_of::<libc::sockaddr_storage>()),
        );
        out.assume_init()
    }
}

/// The sender's address from a kernel-filled `sockaddr_storage`.
pub fn socket_addr(ss: &libc::sockaddr_storage) -> SocketAddr {
    match ss.ss_family as libc::c_int {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in, and
            // sockaddr_storage is large and aligned enough for it.
            let sin =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            SocketAddr::from((
                std::net::Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)),
                u16::from_be(sin.sin_port),
            ))
        }
        libc::AF_INET6 => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 =
                unsafe { &*(ss as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>() };
            SocketAddr::V6(std::net::SocketAddrV6::new(
                std::net::Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            ))
        }
        _ => SocketAddr::from(([0, 0, 0, 0], 0)),
    }
}

/// Waits for any of a set of sockets to become readable (poll(2)).
pub struct Waiter {
    fds: Vec<libc::pollfd>,
}

impl Waiter {
    /// Watches `socks`, in this order: [`Waiter::wait`] reports indexes
    /// into it. The sockets must outlive the waiter's use.
    pub fn new<'a>(socks: impl IntoIterator<Item = &'a Socket>) -> Self {
        let fds = socks
            .into_iter()
            .map(|s| libc::pollfd {
                fd: s.as_raw_fd() as RawFd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        Self { fds }
    }

    /// Waits until one socket is readable, or `timeout` passes; puts the
    /// indexes of readable sockets in `ready`. An interrupted wait counts
    /// as a timeout so the caller re-checks its stop flag.
    pub fn wait(&mut self, timeout: Duration, ready: &mut Vec<usize>) -> io::Result<()> {
        ready.clear();
        for p in &mut self.fds {
            p.revents = 0;
        }
        let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs.
        let n = unsafe { libc::poll(self.fds.as_mut_ptr(), self.fds.len() as libc::nfds_t, ms) };
        if n < 0 {
            let err = io::Error::last_os_error();
            return if err.kind() == io::ErrorKind::Interrupted {
                Ok(())
            } else {
                Err(err)
            };
        }
        ready.extend(
            self.fds
                .iter()
                .enumerate()
                .filter(|(_, p)| p.revents != 0)
                .map(|(i, _)| i),
        );
        Ok(())
    }
}

/// The errno's symbolic name (`EINVAL`), which users search for.
pub fn errno_name(err: &io::Error) -> Option<String> {
    err.raw_os_error()
        .map(|n| format!("{:?}", nix::errno::Errno::from_raw(n)))
}

/// The errors mcast has advice for.
pub fn errno(err: &io::Error) -> Option<Errno> {
    Some(match err.raw_os_error()? {
        libc::EADDRINUSE => Errno::AddrInUse,
        libc::EADDRNOTAVAIL => Errno::AddrNotAvailable,
        libc::ENODEV | libc::ENXIO => Errno::NoDevice,
        libc::ENOBUFS | libc::ETOOMANYREFS => Errno::TooMany,
        libc::EINVAL => Errno::Invalid,
        libc::ENETUNREACH | libc::EHOSTUNREACH => Errno::NetUnreachable,
        libc::EPERM | libc::EACCES => Errno::PermissionDenied,
        _ => return None,
    })
}

/// How many files (sockets included) this process may have open: the soft
/// `RLIMIT_NOFILE` (`ulimit -n`); `None` when unlimited or unknown.
pub fn open_files_limit() -> Option<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) };
    if rc != 0 || lim.rlim_cur == libc::RLIM_INFINITY {
        return None;
    }
    // rlim_t is u64 on Linux and macOS, i64 on FreeBSD.
    #[allow(clippy::useless_conversion)]
    u64::try_from(lim.rlim_cur).ok()
}

/// Stdout without std's line buffering underneath our buffer: each flush
/// is then exactly one write(2), not one per line-buffer refill.
pub fn raw_stdout() -> io::Result<std::fs::File> {
    use std::os::fd::AsFd;
    Ok(std::fs::File::from(
        io::stdout().as_fd().try_clone_to_owned()?,
    ))
}

/// Set by SIGHUP, taken by [`take_hangup`].
static HANGUP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn on_hangup(_: libc::c_int) {
    HANGUP.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// From now on SIGHUP sets a flag ([`take_hangup`]) instead of ending the
/// process (the usual "reread your configuration" signal of daemons).
pub fn catch_hangup() -> io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value
    // on every Unix; the handler only stores to an atomic, which is
    // async-signal-safe.
    let rc = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_hangup as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGHUP, &action, std::ptr::null_mut())
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether SIGHUP arrived since the last call.
pub fn take_hangup() -> bool {
    HANGUP.swap(false, std::sync::atomic::Ordering::Relaxed)
}

/// `line` run by the system shell (`/bin/sh -c`).
pub fn shell_command(line: &str) -> std::process::Command {
    let mut c = std::process::Command::new("/bin/sh");
    c.arg("-c").arg(line);
    c
}
