//! tracing to stderr: warnings by default, `-v` info, `-vv` debug (every
//! socket option applied), `-vvv` trace; `RUST_LOG` overrides.

use tracing_subscriber::EnvFilter;

pub fn install(verbose: u8, quiet: bool, color: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("mcast={level}")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .with_target(false)
        .with_ansi(color)
        .try_init();
}
