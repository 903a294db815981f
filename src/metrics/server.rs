//! The `/metrics` endpoint: `tiny_http` on a thread of its own, so a slow
//! or stuck scraper never delays the receive loop.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{anyhow, Result};

use super::Published;
use crate::clock;

/// How often the server thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(200);
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

/// A running endpoint; stopped when dropped.
pub struct MetricsServer {
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    addr: SocketAddr,
}

impl MetricsServer {
    /// Binds `addr` and serves `published` at `/metrics`. An address in
    /// use or not available here is an error naming it.
    pub fn start(addr: SocketAddr, published: Arc<Published>) -> Result<Self> {
        let server = tiny_http::Server::http(addr).map_err(|e| {
            let why = match e.downcast_ref::<std::io::Error>().map(|e| e.kind()) {
                Some(std::io::ErrorKind::AddrInUse) => {
                    "address in use (another exporter or mcast on that port?); choose another port"
                        .to_string()
                }
                Some(std::io::ErrorKind::AddrNotAvailable) => {
                    "no interface of this host has that address".to_string()
                }
                _ => e.to_string(),
            };
            anyhow!("--metrics {addr}: cannot listen: {why}")
        })?;
        let bound = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| anyhow!("--metrics {addr}: not an IP address"))?;
        let server = Arc::new(server);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (server, stop) = (Arc::clone(&server), Arc::clone(&stop));
            std::thread::Builder::new()
                .name("metrics".into())
                .spawn(move || serve(&server, &stop, &published))?
        };
        Ok(Self {
            server,
            stop,
            thread: Some(thread),
            addr: bound,
        })
    }

    /// The address bound (the port the OS chose for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(server: &tiny_http::Server, stop: &AtomicBool, published: &Published) {
    let mut text = String::new();
    while !stop.load(Ordering::Relaxed) {
        let request = match server.recv_timeout(POLL) {
            Ok(Some(r)) => r,
            Ok(None) => continue,
            Err(e) => {
                tracing::warn!("metrics endpoint: {e}");
                continue;
            }
        };
        let path = request.url().split('?').next().unwrap_or("");
        let (status, content_type, body): (u16, &str, &[u8]) = match path {
            "/metrics" => match super::encode_into(&mut text, published.latest(), clock::now()) {
                Ok(()) => (200, CONTENT_TYPE, text.as_bytes()),
                Err(_) => (500, TEXT, b"encoding failed\n"),
            },
            "/" => (200, TEXT, b"mcast: metrics at /metrics\n"),
            _ => (404, TEXT, b"not found; metrics are at /metrics\n"),
        };
        let response = typed(
            tiny_http::Response::new(
                tiny_http::StatusCode(status),
                Vec::new(),
                body,
                Some(body.len()),
                None,
            ),
            content_type,
        );
        if let Err(e) = request.respond(response) {
            tracing::debug!("metrics endpoint: answering a scrape: {e}");
        }
    }
}

/// `response` with a Content-Type (the constants here always parse; a
/// response without one would still be read by Prometheus).
fn typed<R: std::io::Read>(
    response: tiny_http::Response<R>,
    content_type: &str,
) -> tiny_http::Response<R> {
    match tiny_http::Header::from_bytes(&b"Content-Type"[..], content_type.as_bytes()) {
        Ok(h) => response.with_header(h),
        Err(()) => response,
    }
}
