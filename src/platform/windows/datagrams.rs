//! Windows' receive and send calls behind the portable batches, and
//! readiness: `WSARecvMsg` (for packet info and TTL; fetched through
//! `WSAIoctl`), one datagram per call, with `WSAPoll` standing in for the
//! `MSG_DONTWAIT` Winsock lacks; `sendto` per datagram.
#![allow(unsafe_code)]

use std::io;
use std::mem::size_of;
use std::sync::OnceLock;
use std::time::Duration;

use socket2::Socket;
use windows_sys::Win32::Networking::WinSock as ws;

use super::{last_error, raw, socket_addr, CMSG_LAYOUT};
use crate::platform::batch::{RecvSlots, SendSlots, BATCH};
use crate::platform::cmsg::{self, CmsgBuf, CMSG_BUF_LEN};
use crate::platform::RecvMeta;

/// Waits for any of a set of sockets to become readable (`WSAPoll`).
pub struct Waiter {
    fds: Vec<ws::WSAPOLLFD>,
}

impl Waiter {
    /// Watches `socks`, in this order: [`Waiter::wait`] reports indexes
    /// into it. The sockets must outlive the waiter's use.
    pub fn new<'a>(socks: impl IntoIterator<Item = &'a Socket>) -> Self {
        let fds = socks
            .into_iter()
            .map(|s| ws::WSAPOLLFD {
                fd: raw(s),
                events: ws::POLLRDNORM,
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
        if self.fds.is_empty() {
            // WSAPoll refuses an empty set.
            std::thread::sleep(timeout);
            return Ok(());
        }
        for p in &mut self.fds {
            p.revents = 0;
        }
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        let count = u32::try_from(self.fds.len()).unwrap_or(u32::MAX);
        // SAFETY: `fds` is a valid array of at least `count` WSAPOLLFD.
        let n = unsafe { ws::WSAPoll(self.fds.as_mut_ptr(), count, ms) };
        if n == ws::SOCKET_ERROR {
            let err = last_error();
            return if err.raw_os_error() == Some(ws::WSAEINTR) {
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

/// Whether a datagram (or an error) is queued on `sock` now, without
/// waiting: Windows has no `MSG_DONTWAIT`, and the engine may call for a
/// non-waiting receive on a blocking socket.
fn readable_now(sock: &Socket) -> io::Result<bool> {
    let mut fd = ws::WSAPOLLFD {
        fd: raw(sock),
        events: ws::POLLRDNORM,
        revents: 0,
    };
    // SAFETY: one valid WSAPOLLFD.
    let n = unsafe { ws::WSAPoll(&mut fd, 1, 0) };
    if n == ws::SOCKET_ERROR {
        return Err(last_error());
    }
    Ok(n > 0 && fd.revents != 0)
}

type RecvMsgFn = unsafe extern "system" fn(
    ws::SOCKET,
    *mut ws::WSAMSG,
    *mut u32,
    *mut windows_sys::Win32::System::IO::OVERLAPPED,
    ws::LPWSAOVERLAPPED_COMPLETION_ROUTINE,
) -> i32;

/// `WSARecvMsg`, which Winsock exports only through
/// `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`. Fetched once: every
/// socket mcast opens is a UDP socket of the one system provider.
fn wsa_recv_msg(sock: &Socket) -> io::Result<RecvMsgFn> {
    static RECV_MSG: OnceLock<RecvMsgFn> = OnceLock::new();
    if let Some(f) = RECV_MSG.get() {
        return Ok(*f);
    }
    let guid = ws::WSAID_WSARECVMSG;
    let mut f: ws::LPFN_WSARECVMSG = None;
    let mut returned = 0u32;
    // SAFETY: the in buffer is the GUID, the out buffer room for one
    // function pointer; no overlapped I/O.
    let rc = unsafe {
        ws::WSAIoctl(
            raw(sock),
            ws::SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&guid as *const windows_sys::core::GUID).cast(),
            size_of::<windows_sys::core::GUID>() as u32,
            (&mut f as *mut ws::LPFN_WSARECVMSG).cast(),
            size_of::<ws::LPFN_WSARECVMSG>() as u32,
            &mut returned,
            std::ptr::null_mut(),
            None,
        )
    };
    if rc == ws::SOCKET_ERROR {
        return Err(last_error());
    }
    let f = f.ok_or_else(|| io::Error::from_raw_os_error(ws::WSAEOPNOTSUPP))?;
    Ok(*RECV_MSG.get_or_init(|| f))
}

/// What one batched receive needs besides the datagram buffers.
pub struct RecvState {
    ctrl: Vec<CmsgBuf>,
    names: Vec<ws::SOCKADDR_STORAGE>,
}

impl RecvState {
    pub fn new() -> Self {
        Self {
            ctrl: (0..BATCH).map(|_| CmsgBuf::default()).collect(),
            names: vec![ws::SOCKADDR_STORAGE::default(); BATCH],
        }
    }

    /// One `WSARecvMsg` into slot `metas.len()`; its metadata is pushed.
    fn recv_one(
        &mut self,
        sock: &Socket,
        slots: &mut RecvSlots,
        recv_msg: RecvMsgFn,
    ) -> io::Result<()> {
        let i = slots.metas.len();
        let buf_len = slots.buf_len();
        let data = slots.buf_mut(i);
        let mut buf = ws::WSABUF {
            len: u32::try_from(data.len()).unwrap_or(u32::MAX),
            buf: data.as_mut_ptr(),
        };
        let mut msg = ws::WSAMSG {
            name: (&mut self.names[i] as *mut ws::SOCKADDR_STORAGE).cast(),
            namelen: size_of::<ws::SOCKADDR_STORAGE>() as i32,
            lpBuffers: &mut buf,
            dwBufferCount: 1,
            Control: ws::WSABUF {
                len: CMSG_BUF_LEN as u32,
                buf: self.ctrl[i].0.as_mut_ptr(),
            },
            dwFlags: 0,
        };
        let mut got = 0u32;
        // SAFETY: `msg` points at buffers (data, name, control) with their
        // true lengths, all alive for the call; no overlapped I/O, so
        // nothing is written after it returns.
        let rc = unsafe { recv_msg(raw(sock), &mut msg, &mut got, std::ptr::null_mut(), None) };
        let mut truncated = msg.dwFlags & ws::MSG_TRUNC != 0;
        if rc == ws::SOCKET_ERROR {
            let err = last_error();
            if err.raw_os_error() != Some(ws::WSAEMSGSIZE) {
                return Err(err);
            }
            // The datagram was longer than the buffer: the buffer holds its
            // first part, the rest is gone.
            truncated = true;
        }
        let len = if truncated {
            buf_len
        } else {
            (got as usize).min(buf_len)
        };
        let control_len = (msg.Control.len as usize).min(CMSG_BUF_LEN);
        let mut info = cmsg::parse(&self.ctrl[i].0[..control_len], &CMSG_LAYOUT);
        info.truncated |= msg.dwFlags & ws::MSG_CTRUNC != 0;
        slots.metas.push(RecvMeta {
            len,
            truncated,
            source: socket_addr(&self.names[i]),
            info,
        });
        Ok(())
    }
}

/// Receives up to `vlen` datagrams into `slots` (see
/// [`crate::platform::recv_batch`]): the first as asked (a receive
/// timeout, `WSAETIMEDOUT`, comes back as `WouldBlock`), then whatever
/// else is queued, one `WSARecvMsg` each. (Winsock calls a socket's state
/// "indeterminate" after a receive timeout; that warning is about stream
/// sockets: a datagram socket goes on receiving, as std's `UdpSocket`
/// relies on.)
pub fn recv_into(
    sock: &Socket,
    slots: &mut RecvSlots,
    st: &mut RecvState,
    wait: bool,
    vlen: usize,
) -> io::Result<()> {
    let recv_msg = wsa_recv_msg(sock)?;
    if !wait && !readable_now(sock)? {
        return Err(io::ErrorKind::WouldBlock.into());
    }
    if let Err(e) = st.recv_one(sock, slots, recv_msg) {
        return Err(match e.raw_os_error() {
            Some(ws::WSAETIMEDOUT) => io::ErrorKind::WouldBlock.into(),
            Some(ws::WSAEINTR) => io::ErrorKind::Interrupted.into(),
            _ => e,
        });
    }
    while slots.metas.len() < vlen {
        // An error here (nothing more queued, or a fault the next call
        // will report again) ends the batch; what was read is kept.
        match readable_now(sock) {
            Ok(true) => {}
            _ => break,
        }
        if st.recv_one(sock, slots, recv_msg).is_err() {
            break;
        }
    }
    Ok(())
}

/// Windows sends one datagram per call: nothing to keep between batches.
pub struct SendState;

impl SendState {
    pub fn new() -> Self {
        Self
    }
}

/// Sends the first `n` datagrams of `slots`, one `sendto` each (Windows has
/// no `sendmmsg`), stopping at the first refusal as `sendmmsg` does.
pub fn send_from(
    sock: &Socket,
    slots: &SendSlots,
    n: usize,
    _st: &mut SendState,
) -> io::Result<usize> {
    for i in 0..n {
        let (data, dest) = slots.datagram(i);
        let rc = match dest {
            Some(d) => sock.send_to(data, d),
            None => sock.send(data),
        };
        if let Err(e) = rc {
            return if i == 0 { Err(e) } else { Ok(i) };
        }
    }
    Ok(n)
}
