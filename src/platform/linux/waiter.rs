//! Readiness of many sockets with epoll: `monitor` spreads 1,000 groups over
//! 50 sockets (20 memberships each), and poll() would register and scan all
//! of them on every wake-up; epoll registers them once and reports only the
//! ready ones.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

use socket2::Socket;

use super::super::unix;

/// Events taken per `epoll_wait`: the rest stay ready for the next call.
const EVENTS: usize = 64;

pub enum Waiter {
    Epoll {
        epfd: OwnedFd,
        events: Vec<libc::epoll_event>,
    },
    /// Where epoll cannot be set up (out of file descriptors), poll still works.
    Poll(unix::Waiter),
}

impl Waiter {
    /// Watches `socks`, in this order: [`Waiter::wait`] reports indexes
    /// into it. The sockets must outlive the waiter's use.
    pub fn new<'a>(socks: impl IntoIterator<Item = &'a Socket>) -> Self {
        let socks: Vec<&Socket> = socks.into_iter().collect();
        match epoll(&socks) {
            Ok(epfd) => Waiter::Epoll {
                epfd,
                events: vec![
                    libc::epoll_event { events: 0, u64: 0 };
                    EVENTS.min(socks.len().max(1))
                ],
            },
            Err(e) => {
                tracing::debug!("epoll: {e}; waiting with poll");
                Waiter::Poll(unix::Waiter::new(socks))
            }
        }
    }

    /// Waits until one socket is readable, or `timeout` passes; puts the
    /// indexes of readable sockets in `ready`. An interrupted wait counts
    /// as a timeout so the caller re-checks its stop flag.
    pub fn wait(&mut self, timeout: Duration, ready: &mut Vec<usize>) -> io::Result<()> {
        let (epfd, events) = match self {
            Waiter::Poll(w) => return w.wait(timeout, ready),
            Waiter::Epoll { epfd, events } => (epfd, events),
        };
        ready.clear();
        // Rounded up: a wait of 0.4 ms must not become a busy loop of 0 ms.
        let ms = timeout.as_micros().div_ceil(1000).min(i32::MAX as u128) as libc::c_int;
        // SAFETY: `events` is a valid, writable array of `events.len()`
        // epoll_event structs, and `epfd` an open epoll descriptor.
        let n = unsafe {
            libc::epoll_wait(
                epfd.as_raw_fd(),
                events.as_mut_ptr(),
                events.len() as libc::c_int,
                ms,
            )
        };
        if n < 0 {
            let err = io::Error::last_os_error();
            return if err.kind() == io::ErrorKind::Interrupted {
                Ok(())
            } else {
                Err(err)
            };
        }
        ready.extend(events[..n as usize].iter().map(|e| e.u64 as usize));
        // Indexes in socket order, as poll gave them.
        ready.sort_unstable();
        Ok(())
    }
}

fn epoll(socks: &[&Socket]) -> io::Result<OwnedFd> {
    // SAFETY: plain system call; a non-negative result is a new descriptor.
    let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nothing else.
    let epfd = unsafe { OwnedFd::from_raw_fd(fd) };
    for (i, s) in socks.iter().enumerate() {
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: i as u64,
        };
        // SAFETY: both descriptors are open; `ev` is a valid epoll_event.
        let rc = unsafe {
            libc::epoll_ctl(
                epfd.as_raw_fd(),
                libc::EPOLL_CTL_ADD,
                s.as_raw_fd(),
                &mut ev,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(epfd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use socket2::{Domain, Type};
    use std::net::{SocketAddr, UdpSocket};

    fn bound() -> (Socket, SocketAddr) {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, None).unwrap();
        s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .unwrap();
        let addr = s.local_addr().unwrap().as_socket().unwrap();
        (s, addr)
    }

    #[test]
    fn reports_only_the_ready_sockets_by_index() {
        let socks: Vec<(Socket, SocketAddr)> = (0..5).map(|_| bound()).collect();
        let mut w = Waiter::new(socks.iter().map(|(s, _)| s));
        assert!(matches!(w, Waiter::Epoll { .. }));
        let mut ready = vec![99];
        w.wait(Duration::from_millis(1), &mut ready).unwrap();
        assert!(ready.is_empty(), "nothing sent yet: {ready:?}");
        let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
        tx.send_to(b"x", socks[3].1).unwrap();
        tx.send_to(b"y", socks[1].1).unwrap();
        w.wait(Duration::from_secs(5), &mut ready).unwrap();
        // Both may not be queued at the first wake-up; wait for the second.
        if ready.len() < 2 {
            w.wait(Duration::from_secs(5), &mut ready).unwrap();
        }
        assert_eq!(ready, [1, 3]);
    }
}
