//! Ctrl-C and SIGTERM set a flag that every loop checks (and SIGHUP,
//! for `monitor`, a reload flag); nothing is torn
//! down from the signal handler itself, so groups are left and summaries
//! printed on the normal path.

use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Installs the handler once at start. A failure only means Ctrl-C kills
/// the process the default way, so it is logged, not fatal.
pub fn install_stop_handler() {
    if let Err(err) = ctrlc::set_handler(request_stop) {
        tracing::warn!("cannot catch Ctrl-C and SIGTERM ({err}); stopping will skip the summary");
    }
}

pub fn request_stop() {
    STOP.store(true, Ordering::Relaxed);
}

pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// SIGHUP (Unix): rereads `monitor`'s groups file instead of stopping.
/// Fails with "not available on this OS" where there is no SIGHUP.
pub fn install_reload_handler() -> std::io::Result<()> {
    crate::platform::catch_hangup()
}

/// Whether a reload was asked for since the last call.
pub fn reload_requested() -> bool {
    crate::platform::take_hangup()
}
