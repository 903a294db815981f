//! tracing to stderr: warnings by default, `-v` info, `-vv` debug (every
//! socket option applied), `-vvv` trace; `RUST_LOG` overrides. Lines read
//! `mcast: warning: ...`, like the tool's own errors.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
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
        // A closed or full stderr must not turn a log line into a panic.
        .log_internal_errors(false)
        .event_format(Plain { color })
        .try_init();
}

/// `mcast: warning: message`, coloured only on a terminal that wants it.
struct Plain {
    color: bool,
}

impl<S, N> FormatEvent<S, N> for Plain
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut w: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let (label, code) = match *event.metadata().level() {
            Level::ERROR => ("error", "31"),
            Level::WARN => ("warning", "33"),
            Level::INFO => ("info", "32"),
            Level::DEBUG => ("debug", "36"),
            Level::TRACE => ("trace", "35"),
        };
        if self.color {
            write!(w, "mcast: \x1b[{code}m{label}\x1b[0m: ")?;
        } else {
            write!(w, "mcast: {label}: ")?;
        }
        ctx.field_format().format_fields(w.by_ref(), event)?;
        writeln!(w)
    }
}
