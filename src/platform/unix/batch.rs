//! The calls behind [`crate::platform::RecvBatch`] and
//! [`crate::platform::SendBatch`]: `recvmmsg`/`sendmmsg` where the kernel
//! has them (Linux, FreeBSD), one `recvmsg`/`sendmsg` per datagram on
//! macOS. The headers, addresses and control buffers live here, allocated
//! once.
#![allow(unsafe_code)]

use std::io;
use std::mem::size_of;
use std::os::fd::AsRawFd;

use socket2::Socket;

use super::socket_addr;
use crate::platform::batch::{RecvSlots, SendSlots, BATCH};
use crate::platform::cmsg::{self, CmsgBuf};
use crate::platform::os::CMSG_LAYOUT;
use crate::platform::RecvMeta;

/// `mmsghdr` where the kernel has it; the same shape elsewhere, so one
/// code path fills the headers.
#[cfg(not(target_os = "macos"))]
type Hdr = libc::mmsghdr;

#[cfg(target_os = "macos")]
#[repr(C)]
#[derive(Clone, Copy)]
struct Hdr {
    msg_hdr: libc::msghdr,
    msg_len: libc::c_uint,
}

/// Iovecs whose pointers are filled in before each call.
fn empty_iovecs() -> Vec<libc::iovec> {
    let empty = libc::iovec {
        iov_base: std::ptr::null_mut(),
        iov_len: 0,
    };
    vec![empty; BATCH]
}

fn zero_hdrs() -> Vec<Hdr> {
    // SAFETY: all-zero is a valid value for this plain C struct; pointers
    // are filled in before each call.
    let zero: Hdr = unsafe { std::mem::zeroed() };
    vec![zero; BATCH]
}

/// What one batched receive needs besides the datagram buffers.
pub struct RecvState {
    ctrl: Vec<CmsgBuf>,
    names: Vec<libc::sockaddr_storage>,
    iovs: Vec<libc::iovec>,
    hdrs: Vec<Hdr>,
}

impl RecvState {
    pub fn new() -> Self {
        // SAFETY: all-zero is a valid sockaddr_storage.
        let zero_name: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
        Self {
            ctrl: (0..BATCH).map(|_| CmsgBuf::default()).collect(),
            names: vec![zero_name; BATCH],
            iovs: empty_iovecs(),
            hdrs: zero_hdrs(),
        }
    }

    /// Points the first `vlen` headers at their buffers.
    fn prepare(&mut self, slots: &mut RecvSlots, vlen: usize) {
        for i in 0..vlen {
            let buf = slots.buf_mut(i);
            self.iovs[i].iov_base = buf.as_mut_ptr().cast();
            self.iovs[i].iov_len = buf.len();
            let h = &mut self.hdrs[i];
            h.msg_hdr.msg_name = (&mut self.names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_hdr.msg_namelen = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_hdr.msg_iov = &mut self.iovs[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_hdr.msg_control = self.ctrl[i].0.as_mut_ptr().cast();
            h.msg_hdr.msg_controllen = self.ctrl[i].0.len() as _;
            h.msg_hdr.msg_flags = 0;
            h.msg_len = 0;
        }
    }

    /// One `recvmsg` into slot `i`; its length goes to `msg_len`.
    fn recv_one(&mut self, sock: &Socket, i: usize, flags: libc::c_int) -> io::Result<()> {
        // SAFETY: header `i` points at buffers that outlive the call
        // (prepare), with their true lengths.
        let n = unsafe { libc::recvmsg(sock.as_raw_fd(), &mut self.hdrs[i].msg_hdr, flags) };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        self.hdrs[i].msg_len = n as _;
        Ok(())
    }

    /// Reads the metadata of the first `n` headers after a receive.
    fn collect(&self, slots: &mut RecvSlots, n: usize) {
        for i in 0..n {
            let h = &self.hdrs[i];
            // `socklen_t` on the BSDs, `size_t` on Linux.
            #[allow(clippy::unnecessary_cast)]
            let control_len = (h.msg_hdr.msg_controllen as usize).min(self.ctrl[i].0.len());
            let mut info = cmsg::parse(&self.ctrl[i].0[..control_len], &CMSG_LAYOUT);
            info.truncated |= h.msg_hdr.msg_flags & libc::MSG_CTRUNC != 0;
            slots.metas.push(RecvMeta {
                len: (h.msg_len as usize).min(slots.buf_len()),
                truncated: h.msg_hdr.msg_flags & libc::MSG_TRUNC != 0,
                source: socket_addr(&self.names[i]),
                info,
            });
        }
    }
}

/// Receives up to `vlen` datagrams into `slots` (see
/// [`crate::platform::recv_batch`]).
pub fn recv_into(
    sock: &Socket,
    slots: &mut RecvSlots,
    st: &mut RecvState,
    wait: bool,
    vlen: usize,
) -> io::Result<()> {
    st.prepare(slots, vlen);
    let n = if vlen == 1 {
        // One datagram: plain recvmsg skips recvmmsg's batching overhead.
        st.recv_one(sock, 0, if wait { 0 } else { libc::MSG_DONTWAIT })?;
        1
    } else {
        recv_many(sock, st, wait, vlen)?
    };
    st.collect(slots, n);
    Ok(())
}

#[cfg(not(target_os = "macos"))]
fn recv_many(sock: &Socket, st: &mut RecvState, wait: bool, vlen: usize) -> io::Result<usize> {
    let flags = if wait {
        libc::MSG_WAITFORONE
    } else {
        libc::MSG_DONTWAIT
    };
    // SAFETY: every header points at buffers that outlive the call, with
    // matching lengths (prepare).
    let n = unsafe {
        libc::recvmmsg(
            sock.as_raw_fd(),
            st.hdrs.as_mut_ptr(),
            vlen as _,
            flags,
            std::ptr::null_mut(),
        )
    };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// macOS has no `recvmmsg`: the first datagram as asked, then whatever
/// else is already queued.
#[cfg(target_os = "macos")]
fn recv_many(sock: &Socket, st: &mut RecvState, wait: bool, vlen: usize) -> io::Result<usize> {
    st.recv_one(sock, 0, if wait { 0 } else { libc::MSG_DONTWAIT })?;
    let mut n = 1;
    while n < vlen {
        match st.recv_one(sock, n, libc::MSG_DONTWAIT) {
            Ok(()) => n += 1,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => break,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// What one batched send needs besides the datagrams.
pub struct SendState {
    iovs: Vec<libc::iovec>,
    hdrs: Vec<Hdr>,
}

impl SendState {
    pub fn new() -> Self {
        Self {
            iovs: empty_iovecs(),
            hdrs: zero_hdrs(),
        }
    }
}

/// Sends the first `n` datagrams of `slots` (see
/// [`crate::platform::SendBatch::send`]).
pub fn send_from(
    sock: &Socket,
    slots: &SendSlots,
    n: usize,
    st: &mut SendState,
) -> io::Result<usize> {
    for i in 0..n {
        let (data, dest) = slots.datagram(i);
        // The kernel only reads a sent datagram and its address.
        st.iovs[i].iov_base = data.as_ptr() as *mut libc::c_void;
        st.iovs[i].iov_len = data.len();
        let h = &mut st.hdrs[i];
        match dest {
            Some(d) => {
                h.msg_hdr.msg_name = d.as_ptr() as *mut libc::c_void;
                h.msg_hdr.msg_namelen = d.len();
            }
            None => {
                h.msg_hdr.msg_name = std::ptr::null_mut();
                h.msg_hdr.msg_namelen = 0;
            }
        }
        h.msg_hdr.msg_iov = &mut st.iovs[i];
        h.msg_hdr.msg_iovlen = 1;
        h.msg_hdr.msg_control = std::ptr::null_mut();
        h.msg_hdr.msg_controllen = 0;
    }
    send_many(sock, &mut st.hdrs[..n])
}

#[cfg(not(target_os = "macos"))]
fn send_many(sock: &Socket, hdrs: &mut [Hdr]) -> io::Result<usize> {
    // SAFETY: the headers point at live buffers and addresses owned by
    // the batch, which outlives the call.
    let sent = unsafe { libc::sendmmsg(sock.as_raw_fd(), hdrs.as_mut_ptr(), hdrs.len() as _, 0) };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(sent as usize)
}

/// macOS has no `sendmmsg`: one `sendmsg` each, stopping at the first
/// refusal as `sendmmsg` does.
#[cfg(target_os = "macos")]
fn send_many(sock: &Socket, hdrs: &mut [Hdr]) -> io::Result<usize> {
    for (i, h) in hdrs.iter().enumerate() {
        // SAFETY: as above.
        let rc = unsafe { libc::sendmsg(sock.as_raw_fd(), &h.msg_hdr, 0) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            return if i == 0 { Err(err) } else { Ok(i) };
        }
    }
    Ok(hdrs.len())
}
