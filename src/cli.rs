//! The command line, as clap sees it. Nothing outside this module and
//! `config` touches these types: the builders in `config` (`config::listen`,
//! `config::send`, ...) turn them into validated values once.

// Doc comments here are help text: `[SOURCE,]` is CLI syntax, not a link.
#![allow(rustdoc::broken_intra_doc_links)]

use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// Port used for groups written without one and without `--port`.
pub const DEFAULT_PORT: u16 = 5000;

#[derive(Debug, Parser)]
#[command(
    name = "mcast",
    version,
    about = "Multicast diagnostics: does multicast work from here to there, and if not, why?",
    long_about = "Multicast diagnostics: join groups, send test traffic, stream what arrives, \
                  show what this OS really does with multicast socket options, and find why a \
                  stream stops: the IGMP/MLD querier, the host's settings (doctor), round trips \
                  (ping/pong), long-running watches with alarms and metrics (monitor), RTP and \
                  MPEG-TS analysis and SAP.\n\n\
                  GROUP is [SOURCE,]ADDR[:PORT], [SOURCE,][V6ADDR]:PORT or ADDR+N, e.g. \
                  239.1.1.1, 239.1.1.1:5000, [ff15::1]:5000, 192.0.2.1,232.1.1.1:5000 (SSM), \
                  239.1.1.1+10 (ten consecutive groups).",
    after_help = "Exit codes: 0 success, 1 the network did not deliver what was asked, \
                  2 bad input, 3 a system call failed.",
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,

    /// Only errors on stderr (no live counters, no start/summary lines)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to use colour on the terminal (never in JSON; NO_COLOR is honoured)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Join groups and hold membership, with live per-group counters on stderr
    #[command(after_help = "Examples:\n  mcast join 239.1.1.1 --iface eth0\n  \
                            mcast join 239.1.0.1+20 -i eth0 -d 1m\n  \
                            mcast join 192.0.2.1,232.1.1.1:5000 -c 10 -t 5s   # SSM check")]
    Join(JoinArgs),

    /// Stream every received packet to stdout, one record per packet
    #[command(after_help = "Examples:\n  mcast listen 239.1.1.1:5000 -i eth0\n  \
                            mcast listen [ff15::1]:5000 -i eth0 --json | jq .seq\n  \
                            mcast listen 239.1.1.1 -c 100 -t 10s --json > out.jsonl   # health check")]
    Listen(ListenArgs),

    /// Send test packets (or your own payload) to groups
    #[command(
        after_help = "Examples:\n  mcast send 239.1.1.1 -i eth0 -c 100 --rate 50\n  \
                            mcast send [ff15::1]:5000 -i eth0 --ttl 8\n  \
                            echo hello | mcast send 239.1.1.1:5000 -i eth0 --stdin"
    )]
    Send(SendArgs),

    /// Apply multicast socket options and read them back with getsockopt
    #[command(after_help = "Examples:\n  mcast sockopt\n  \
                            mcast sockopt -4 --set IP_MULTICAST_TTL=5 --set loop=0\n  \
                            mcast sockopt -6 -i eth0 --join ff15::1 --format json")]
    Sockopt(SockoptArgs),

    /// Watch groups until stopped: alarms on silence, rate and loss; Prometheus metrics
    #[command(
        after_help = "Examples:\n  mcast monitor 239.1.0.1+100 -i eth0 --silent-after 5s\n  \
                            mcast monitor --groups-file channels.txt -i eth0 --metrics 127.0.0.1:9100\n  \
                            mcast monitor 239.1.1.1 -i eth0 --heartbeat 3/5 --on-alarm 'logger -t mcast \"$MCAST_ALARM\"'\n\n\
                            On a terminal: a live table, worst groups first. Piped: JSON Lines \
                            (`group` records every --interval, `alarm` records as they happen). \
                            SIGHUP rereads --groups-file (Unix)."
    )]
    Monitor(MonitorArgs),

    /// Probe a group (or an ssmping server) and list every responder: RTT, loss, hops each way
    #[command(after_help = "Examples:\n  mcast ping 239.1.1.1 -i eth0 -c 10\n  \
                            mcast ping 239.1.1.1 -i eth0 --expect 3 --max-loss 5   # exit 1 unless 3 answer\n  \
                            mcast ping --ssmping 192.0.2.1 -i eth0                 # against ssmpingd\n  \
                            mcast ping --mesh 239.1.1.1 -i eth0 --expect 3         # on every host at once")]
    Ping(PingArgs),

    /// Answer mcast ping probes (and ssmping/asmping with --ssmping) until stopped
    #[command(after_help = "Examples:\n  mcast pong 239.1.1.1 -i eth0\n  \
                            mcast pong --ssmping -i eth0            # an ssmpingd\n  \
                            mcast pong 239.1.1.1 -i eth0 -d 1m --rate 20")]
    Pong(PongArgs),

    /// Send to and receive from this host only (TTL 0 on loopback): does multicast work here at all?
    Selftest(SelftestArgs),

    /// Watch IGMP/MLD: who is querier on each link, its version, interval and robustness,
    /// and whether this host answers (needs CAP_NET_RAW; without it, the kernel's weaker view)
    #[command(after_help = "Examples:\n  sudo mcast querier -i eth0\n  \
                            sudo mcast querier -4 -t 5m --json\n\n\
                            Exit codes: 0 a querier was seen, 1 none within --timeout, \
                            2 bad input, 3 a system call failed.")]
    Querier(QuerierArgs),

    /// The multicast groups this host holds, per interface, with source filters and IGMP/MLD version (Linux)
    #[command(after_help = "Examples:\n  mcast groups\n  \
                            mcast groups -i eth0 239.1.1.1 --json\n  \
                            mcast groups -i eth0 --watch 1s -t 1m")]
    Groups(GroupsArgs),

    /// List interfaces: state, MULTICAST flag, MTU, addresses, and where multicast leaves by default
    #[command(after_help = "Examples:\n  mcast ifaces\n  \
                            mcast ifaces 239.1.1.1 [ff15::1]:5000   # where these groups leave\n  \
                            mcast ifaces --json | jq 'select(.type == \"interface\")'")]
    Ifaces(IfacesArgs),

    /// Check this host for what stops multicast: each check ok, warning or problem, with its fix
    #[command(
        after_help = "Checks: interface (up, carrier, MULTICAST), route, rp_filter, \
                            igmp_version/mld_version (forced), memberships and sources (kernel limits), \
                            ttl, scope (link-local groups), mac (groups sharing an Ethernet address), \
                            firewall (nft, iptables), selftest (send and receive on the interface, TTL 0: \
                            nothing goes on the wire).\n\n\
                            Exit codes: 0 no problem (warnings allowed), 1 a problem was found, 2 bad input.\n\n\
                            Examples:\n  mcast doctor\n  \
                            mcast doctor 239.1.1.1:5000 -i eth0\n  \
                            mcast doctor 192.0.2.1,232.1.1.1 [ff15::1]:6000 -i eth0 --json"
    )]
    Doctor(DoctorArgs),

    /// List the sessions announced with SAP/SDP (224.2.127.254:9875 ...); --join receives them
    #[command(after_help = "Examples:\n  mcast sap -i eth0\n  \
                            mcast sap -i eth0 -t 30s --json\n  \
                            mcast sap -i eth0 -t 1m --join   # receive and analyse every announced stream")]
    Sap(SapArgs),

    /// Print a shell completion script to stdout
    Completions {
        /// The shell to generate completions for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Options shared by every subcommand that takes groups.
#[derive(Debug, Args)]
pub struct GroupArgs {
    /// Groups: [SOURCE,]ADDR[:PORT], [SOURCE,][V6ADDR]:PORT or ADDR+N
    #[arg(required = true, value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel's routes
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Port for groups written without one
    #[arg(short, long, value_name = "PORT", default_value_t = DEFAULT_PORT as u32)]
    pub port: u32,
}

/// Options shared by `join` and `listen`: when to stop and what counts as success.
#[derive(Debug, Args)]
pub struct ReceiveArgs {
    /// Stop after N packets; with --timeout, success means N packets arrived in time
    #[arg(short, long, value_name = "N")]
    pub count: Option<u64>,

    /// Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Run this long, then stop with exit 0 (250ms, 5s, 1m)
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Exit 1 when more than this percentage of test packets was lost (0-100)
    #[arg(long, value_name = "PERCENT")]
    pub max_loss: Option<f64>,

    /// Print per-stream statistics this often, as well as at the end
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub stats_interval: Option<Duration>,

    /// Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported
    #[arg(long, value_name = "BYTES", default_value = "4M")]
    pub rcvbuf: String,

    /// Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel
    /// timestamps (latency and jitter then use the time each batch was read, so time spent
    /// queued in the socket counts as latency). For capacity tests
    #[arg(long)]
    pub lean: bool,

    /// Call a group that was receiving silent after this long without a packet
    /// [default: 5 of its learned packet intervals, at least 1s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub silent_after: Option<Duration>,

    /// Do not watch IGMP/MLD queries (done as root, to tell in a silence whether the membership
    /// was refreshed)
    #[arg(long)]
    pub no_querier_watch: bool,

    /// Serve Prometheus metrics at http://ADDR:PORT/metrics while running; a bare PORT binds 127.0.0.1
    #[arg(long, value_name = "ADDR:PORT")]
    pub metrics: Option<String>,
    #[command(flatten)]
    pub media: MediaArgs,
}

/// How streams other than mcast's test packets are analysed.
#[derive(Debug, Args)]
pub struct MediaArgs {
    /// Take every datagram with an RTP version 2 header as RTP at once (default: after 3 consistent packets)
    #[arg(long, conflicts_with = "no_rtp")]
    pub rtp: bool,

    /// Never analyse RTP (MPEG-TS straight over UDP is still recognised)
    #[arg(long)]
    pub no_rtp: bool,

    /// RTP clock rate in Hz for jitter (default: from the payload type, or the SDP with sap --join)
    #[arg(long, value_name = "HZ")]
    pub rtp_clock: Option<u64>,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    #[command(flatten)]
    pub groups: GroupArgs,
    #[command(flatten)]
    pub receive: ReceiveArgs,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Groups: [SOURCE,]ADDR[:PORT], [SOURCE,][V6ADDR]:PORT or ADDR+N
    #[arg(value_name = "GROUP", required_unless_present = "groups_file")]
    pub groups: Vec<String>,

    /// One group per line, optionally followed by a label (channel name); `#` starts a
    /// comment line. Reread on SIGHUP: counters of groups that stay are kept
    #[arg(long, value_name = "FILE")]
    pub groups_file: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub media: MediaArgs,

    /// Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel's routes
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Port for groups written without one
    #[arg(short, long, value_name = "PORT", default_value_t = DEFAULT_PORT as u32)]
    pub port: u32,

    /// Serve Prometheus metrics at http://ADDR:PORT/metrics; a bare PORT binds 127.0.0.1
    #[arg(long, value_name = "ADDR:PORT")]
    pub metrics: Option<String>,

    /// Judge alarms (and write `group` records) this often
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub interval: Duration,

    /// A group is silent after this long without a packet, including one that never received
    /// [default: 5 of its learned packet intervals, at least 1s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "heartbeat")]
    pub silent_after: Option<Duration>,

    /// A group is silent when no packet arrived in N of the last M intervals (M up to 64)
    #[arg(long, value_name = "N/M")]
    pub heartbeat: Option<String>,

    /// Alarm when a group's packets per second fall below this in an interval
    #[arg(long, value_name = "PPS")]
    pub min_rate: Option<f64>,

    /// Alarm when loss in an interval exceeds this percentage (0-100): mcast test packets, and
    /// RTP streams by their sequence numbers
    #[arg(long, value_name = "PERCENT")]
    pub max_loss: Option<f64>,

    /// Alarm when a group's MPEG-TS streams show more than N continuity-counter errors in an
    /// interval (0: any error); TR 101 290 1.4, the loss of a transport stream over plain UDP
    #[arg(long, value_name = "N")]
    pub max_cc_errors: Option<u64>,

    /// Run COMMAND with the system shell on every alarm raised or cleared; the alarm is in
    /// its environment (MCAST_ALARM_STATE, _REASON, _GROUP, _PORT, _SOURCE, _LABEL, MCAST_ALARM as JSON)
    #[arg(long, value_name = "COMMAND")]
    pub on_alarm: Option<String>,

    /// Sources analysed per group; packets of further sources are only counted
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub max_sources: usize,

    /// Stop after this long [default: run until Ctrl-C or SIGTERM]
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// JSON Lines on stdout even on a terminal
    #[arg(long)]
    pub json: bool,

    /// Socket receive buffer to ask for (bytes, or with K/M suffix)
    #[arg(long, value_name = "BYTES", default_value = "4M")]
    pub rcvbuf: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListenFormat {
    /// Aligned, human-readable columns
    Text,
    /// JSON Lines, one record per line (schema in README)
    Json,
    /// Payload bytes only, exactly as received
    Raw,
    /// A header line and a hexdump per packet
    Hex,
    /// No per-packet output: only the summary (and --stats-interval records)
    None,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[command(flatten)]
    pub groups: GroupArgs,
    #[command(flatten)]
    pub receive: ReceiveArgs,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = ListenFormat::Text)]
    pub format: ListenFormat,

    /// Same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub groups: GroupArgs,

    /// Source address (and port) to send from; SSM listeners filter on it
    #[arg(short, long, value_name = "ADDR[:PORT]")]
    pub bind: Option<String>,

    /// Multicast TTL (IPv4) or hop limit (IPv6), 0-255 [default: 1, the OS default]
    #[arg(long, value_name = "N")]
    pub ttl: Option<u32>,

    /// Deliver to listeners on this host too (the OS default)
    #[arg(long, overrides_with = "no_loop")]
    pub r#loop: bool,

    /// Do not deliver to listeners on this host
    #[arg(long, overrides_with = "loop")]
    pub no_loop: bool,

    /// Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]
    #[arg(short, long, value_name = "PPS", conflicts_with = "interval")]
    pub rate: Option<String>,

    /// Time between packets (100ms, 1s), instead of --rate
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<Duration>,

    /// Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]
    #[arg(short, long, value_name = "N")]
    pub count: Option<u64>,

    /// Send for this long; with --count, stop at whichever comes first
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]
    #[arg(short, long, value_name = "BYTES")]
    pub size: Option<u32>,

    /// Send this text as the payload of every packet instead of test packets
    #[arg(long, value_name = "TEXT", conflicts_with = "stdin")]
    pub payload: Option<String>,

    /// Send each line read from stdin as one datagram, instead of test packets
    #[arg(long)]
    pub stdin: bool,

    /// Print the start and summary as JSON Lines on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SapArgs {
    /// Interface by name, index or address; IPv6 SAP groups are joined only with one
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Stop after this long (5s, 1m); exit 1 if no session was announced by then [default: until Ctrl-C]
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// JSON Lines on stdout: a "sap" record per event, a summary at the end
    #[arg(long)]
    pub json: bool,

    /// Join every announced stream and analyse it (RTP, MPEG-TS) until the end
    #[arg(long)]
    pub join: bool,

    #[command(flatten)]
    pub media: MediaArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReplyPath {
    /// Unicast replies only
    Unicast,
    /// Unicast replies and replies to the group
    Multicast,
}

#[derive(Debug, Args)]
pub struct PingArgs {
    /// GROUP to probe ([V6ADDR]:PORT or ADDR[:PORT]; RESPONDER,GROUP for SSM, probed by unicast); with --ssmping, the SERVER's address
    #[arg(value_name = "GROUP|SERVER")]
    pub target: String,

    /// Interface by name, index or address; default: chosen by the kernel's routes
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Port for a group written without one
    #[arg(short, long, value_name = "PORT", default_value_t = DEFAULT_PORT as u32)]
    pub port: u32,

    /// Probes to send
    #[arg(short, long, value_name = "N", default_value_t = 5)]
    pub count: u64,

    /// Time between probes
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub interval: Duration,

    /// How long to wait for replies after the last probe
    #[arg(short = 'W', long, value_name = "DURATION", value_parser = parse_duration, default_value = "1s")]
    pub wait: Duration,

    /// TTL (hop limit) of the probes, 1-255
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub ttl: u32,

    /// Probe size in bytes (64-1024; replies are never larger)
    #[arg(short, long, value_name = "BYTES", default_value_t = 128)]
    pub size: u32,

    /// Exit 1 unless at least N responders answered (each host in --mesh)
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub expect: u64,

    /// Exit 1 when a responder lost more than this percentage of replies (0-100)
    #[arg(long, value_name = "PERCENT")]
    pub max_loss: Option<f64>,

    /// Ask for unicast replies only, or for replies to the group too
    #[arg(long, value_enum, default_value_t = ReplyPath::Multicast)]
    pub reply: ReplyPath,

    /// Be an ssmping/asmping client of SERVER (ssmpingd or mcast pong --ssmping)
    #[arg(long, conflicts_with = "mesh")]
    pub ssmping: bool,

    /// With --ssmping: ask replies on an any-source group, as asmping (its last byte becomes 234, or for IPv6 its last 32 bits 4321:1234)
    #[arg(long, value_name = "GROUP", requires = "ssmping")]
    pub asm: Option<String>,

    /// Probe and respond at once, on every host of a mesh; prints who reached whom
    #[arg(long)]
    pub mesh: bool,

    /// This host's name in replies (--mesh) [default: the host name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Print replies and summaries as JSON Lines
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PongArgs {
    /// Groups to answer probes on (SSM: [SOURCE,]GROUP, this host the source)
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Interface by name, index or address; default: chosen by the kernel's routes
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Port for groups written without one
    #[arg(short, long, value_name = "PORT", default_value_t = DEFAULT_PORT as u32)]
    pub port: u32,

    /// TTL (hop limit) of replies, 1-255
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub ttl: u32,

    /// Reply by unicast only, or to the group as well (when the probe asks)
    #[arg(long, value_enum, default_value_t = ReplyPath::Multicast)]
    pub reply: ReplyPath,

    /// Replies per second per prober (a burst of up to 5 or the rate passes)
    #[arg(long, value_name = "PPS", default_value_t = 100.0)]
    pub rate: f64,

    /// Also answer ssmping and asmping clients on UDP 4321, as ssmpingd does
    #[arg(long)]
    pub ssmping: bool,

    /// This host's name in replies [default: the host name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Stop after this long (exit 0)
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Stop after this long; exit 1 unless a probe was answered
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SockoptArgs {
    /// IPv4 only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// IPv6 only
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,

    /// Interface for --join and for the multicast interface option
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Set an option before reading everything back: IP_MULTICAST_TTL=5, ttl=5, loop=off, ...
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,

    /// Join a group on the socket of its family before reading back
    #[arg(long = "join", value_name = "GROUP")]
    pub join: Vec<String>,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

#[derive(Debug, Args)]
pub struct SelftestArgs {
    /// Group to use (IPv4; the test never leaves this host)
    #[arg(long, value_name = "GROUP", default_value = "239.255.77.77:5000")]
    pub group: String,

    /// Test packets to send
    #[arg(short, long, value_name = "N", default_value_t = 20)]
    pub count: u64,

    /// Give up waiting for packets after this long
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration, default_value = "2s")]
    pub timeout: Duration,
}

#[derive(Debug, Args)]
pub struct QuerierArgs {
    /// Only this interface (name, index or address); default: every multicast interface
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// IGMP (IPv4) only
    #[arg(short = '4', long = "ipv4", conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// MLD (IPv6) only
    #[arg(short = '6', long = "ipv6")]
    pub ipv6: bool,

    /// Watch this long, then judge (a querier's default interval is 125 s)
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration, default_value = "130s")]
    pub timeout: Duration,

    /// JSON Lines on stdout: query, report and summary records
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GroupsArgs {
    /// Only these groups (addresses, e.g. 239.1.1.1 ff15::1)
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Only this interface (name, index or address)
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// JSON Lines on stdout: one membership record per group and interface
    #[arg(long)]
    pub json: bool,

    /// Read again every DURATION (default 1s) and print what changed
    #[arg(short, long, value_name = "DURATION", num_args = 0..=1, default_missing_value = "1s",
          value_parser = parse_duration)]
    pub watch: Option<Duration>,

    /// With --watch: stop after this long
    #[arg(short, long, value_name = "DURATION", value_parser = parse_duration, requires = "watch")]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct IfacesArgs {
    /// Groups whose route to show, instead of 239.255.0.1 and ff15::1
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,

    /// JSON Lines on stdout: one `interface` record each, then `multicast_route` records
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Groups to check: [SOURCE,]ADDR[:PORT], [SOURCE,][V6ADDR]:PORT or ADDR+N (default: the host only)
    #[arg(value_name = "GROUP")]
    pub groups: Vec<String>,

    /// Interface to check by name, index or address; default: the one the routes choose per family
    #[arg(short, long, value_name = "IFACE")]
    pub iface: Option<String>,

    /// Port for groups written without one
    #[arg(short, long, value_name = "PORT", default_value_t = DEFAULT_PORT as u32)]
    pub port: u32,

    /// Listen this long for an IGMP/MLD querier (0: do not); a querier's default interval is 125 s
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "3s")]
    pub querier_wait: Duration,

    /// JSON Lines on stdout: one `check` record each, then a `summary`
    #[arg(long)]
    pub json: bool,
}

/// Parses humantime durations and says what would be valid when it cannot.
fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s)
        .map_err(|e| format!("{e}; use a number with a unit, like 250ms, 5s or 1m"))
}

/// The clap command, for completions, man pages and `debug_assert`.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
