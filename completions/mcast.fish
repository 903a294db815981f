# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mcast_global_optspecs
    string join \n v/verbose q/quiet color= h/help V/version
end

function __fish_mcast_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mcast_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mcast_using_subcommand
    set -l cmd (__fish_mcast_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mcast -n "__fish_mcast_needs_command" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_needs_command" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_needs_command" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcast -n "__fish_mcast_needs_command" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "join" -d 'Join groups and hold membership, with live per-group counters on stderr'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "listen" -d 'Stream every received packet to stdout, one record per packet'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "send" -d 'Send test packets (or your own payload) to groups'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "sockopt" -d 'Apply multicast socket options and read them back with getsockopt'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "monitor" -d 'Watch groups until stopped: alarms on silence, rate and loss; Prometheus metrics'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "ping" -d 'Probe a group (or an ssmping server) and list every responder: RTT, loss, hops each way'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "pong" -d 'Answer mcast ping probes (and ssmping/asmping with --ssmping) until stopped'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "selftest" -d 'Send to and receive from this host only (TTL 0 on loopback): does multicast work here at all?'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "querier" -d 'Watch IGMP/MLD: who is querier on each link, its version, interval and robustness, and whether this host answers (needs CAP_NET_RAW; without it, the kernel\'s weaker view)'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "groups" -d 'The multicast groups this host holds, per interface, with source filters and IGMP/MLD version (Linux)'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "ifaces" -d 'List interfaces: state, MULTICAST flag, MTU, addresses, and where multicast leaves by default'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "doctor" -d 'Check this host for what stops multicast: each check ok, warning or problem, with its fix'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "sap" -d 'List the sessions announced with SAP/SDP (224.2.127.254:9875 ...); --join receives them'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s i -l iface -d 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s c -l count -d 'Stop after N packets; with --timeout, success means N packets arrived in time' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s t -l timeout -d 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s d -l duration -d 'Run this long, then stop with exit 0 (250ms, 5s, 1m)' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l max-loss -d 'Exit 1 when more than this percentage of test packets was lost (0-100)' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l stats-interval -d 'Print per-stream statistics this often, as well as at the end' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l rcvbuf -d 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l silent-after -d 'Call a group that was receiving silent after this long without a packet [default: 5 of its learned packet intervals, at least 1s]' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l metrics -d 'Serve Prometheus metrics at http://ADDR:PORT/metrics while running; a bare PORT binds 127.0.0.1' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l rtp-clock -d 'RTP clock rate in Hz for jitter (default: from the payload type, or the SDP with sap --join)' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand join" -l lean -d 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
complete -c mcast -n "__fish_mcast_using_subcommand join" -l no-querier-watch -d 'Do not watch IGMP/MLD queries (done as root, to tell in a silence whether the membership was refreshed)'
complete -c mcast -n "__fish_mcast_using_subcommand join" -l rtp -d 'Take every datagram with an RTP version 2 header as RTP at once (default: after 3 consistent packets)'
complete -c mcast -n "__fish_mcast_using_subcommand join" -l no-rtp -d 'Never analyse RTP (MPEG-TS straight over UDP is still recognised)'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s i -l iface -d 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s c -l count -d 'Stop after N packets; with --timeout, success means N packets arrived in time' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s t -l timeout -d 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s d -l duration -d 'Run this long, then stop with exit 0 (250ms, 5s, 1m)' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l max-loss -d 'Exit 1 when more than this percentage of test packets was lost (0-100)' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l stats-interval -d 'Print per-stream statistics this often, as well as at the end' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l rcvbuf -d 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l silent-after -d 'Call a group that was receiving silent after this long without a packet [default: 5 of its learned packet intervals, at least 1s]' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l metrics -d 'Serve Prometheus metrics at http://ADDR:PORT/metrics while running; a bare PORT binds 127.0.0.1' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l rtp-clock -d 'RTP clock rate in Hz for jitter (default: from the payload type, or the SDP with sap --join)' -r
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s f -l format -d 'Output format' -r -f -a "text\t'Aligned, human-readable columns'
json\t'JSON Lines, one record per line (schema in README)'
raw\t'Payload bytes only, exactly as received'
hex\t'A header line and a hexdump per packet'
none\t'No per-packet output: only the summary (and --stats-interval records)'"
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l lean -d 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l no-querier-watch -d 'Do not watch IGMP/MLD queries (done as root, to tell in a silence whether the membership was refreshed)'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l rtp -d 'Take every datagram with an RTP version 2 header as RTP at once (default: after 3 consistent packets)'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l no-rtp -d 'Never analyse RTP (MPEG-TS straight over UDP is still recognised)'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l json -d 'Same as --format json'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand send" -s i -l iface -d 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s b -l bind -d 'Source address (and port) to send from; SSM listeners filter on it' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -l ttl -d 'Multicast TTL (IPv4) or hop limit (IPv6), 0-255 [default: 1, the OS default]' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s r -l rate -d 'Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -l interval -d 'Time between packets (100ms, 1s), instead of --rate' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s c -l count -d 'Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s d -l duration -d 'Send for this long; with --count, stop at whichever comes first' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -s s -l size -d 'Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -l payload -d 'Send this text as the payload of every packet instead of test packets' -r
complete -c mcast -n "__fish_mcast_using_subcommand send" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand send" -l loop -d 'Deliver to listeners on this host too (the OS default)'
complete -c mcast -n "__fish_mcast_using_subcommand send" -l no-loop -d 'Do not deliver to listeners on this host'
complete -c mcast -n "__fish_mcast_using_subcommand send" -l stdin -d 'Send each line read from stdin as one datagram, instead of test packets'
complete -c mcast -n "__fish_mcast_using_subcommand send" -l json -d 'Print the start and summary as JSON Lines on stdout'
complete -c mcast -n "__fish_mcast_using_subcommand send" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand send" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand send" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand send" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s i -l iface -d 'Interface for --join and for the multicast interface option' -r
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -l set -d 'Set an option before reading everything back: IP_MULTICAST_TTL=5, ttl=5, loop=off, ...' -r
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -l join -d 'Join a group on the socket of its family before reading back' -r
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s f -l format -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s 4 -l ipv4 -d 'IPv4 only'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s 6 -l ipv6 -d 'IPv6 only'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand sockopt" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l groups-file -d 'One group per line, optionally followed by a label (channel name); `#` starts a comment line. Reread on SIGHUP: counters of groups that stay are kept' -r -F
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l rtp-clock -d 'RTP clock rate in Hz for jitter (default: from the payload type, or the SDP with sap --join)' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s i -l iface -d 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l metrics -d 'Serve Prometheus metrics at http://ADDR:PORT/metrics; a bare PORT binds 127.0.0.1' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l interval -d 'Judge alarms (and write `group` records) this often' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l silent-after -d 'A group is silent after this long without a packet, including one that never received [default: 5 of its learned packet intervals, at least 1s]' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l heartbeat -d 'A group is silent when no packet arrived in N of the last M intervals (M up to 64)' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l min-rate -d 'Alarm when a group\'s packets per second fall below this in an interval' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l max-loss -d 'Alarm when loss in an interval exceeds this percentage (0-100): mcast test packets, and RTP streams by their sequence numbers' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l max-cc-errors -d 'Alarm when a group\'s MPEG-TS streams show more than N continuity-counter errors in an interval (0: any error); TR 101 290 1.4, the loss of a transport stream over plain UDP' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l on-alarm -d 'Run COMMAND with the system shell on every alarm raised or cleared; the alarm is in its environment (MCAST_ALARM_STATE, _REASON, _GROUP, _PORT, _SOURCE, _LABEL, MCAST_ALARM as JSON)' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l max-sources -d 'Sources analysed per group; packets of further sources are only counted' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s d -l duration -d 'Stop after this long [default: run until Ctrl-C or SIGTERM]' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l rcvbuf -d 'Socket receive buffer to ask for (bytes, or with K/M suffix)' -r
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l rtp -d 'Take every datagram with an RTP version 2 header as RTP at once (default: after 3 consistent packets)'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l no-rtp -d 'Never analyse RTP (MPEG-TS straight over UDP is still recognised)'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -l json -d 'JSON Lines on stdout even on a terminal'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand monitor" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s i -l iface -d 'Interface by name, index or address; default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s p -l port -d 'Port for a group written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s c -l count -d 'Probes to send' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l interval -d 'Time between probes' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s W -l wait -d 'How long to wait for replies after the last probe' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l ttl -d 'TTL (hop limit) of the probes, 1-255' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s s -l size -d 'Probe size in bytes (64-1024; replies are never larger)' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l expect -d 'Exit 1 unless at least N responders answered (each host in --mesh)' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l max-loss -d 'Exit 1 when a responder lost more than this percentage of replies (0-100)' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l reply -d 'Ask for unicast replies only, or for replies to the group too' -r -f -a "unicast\t'Unicast replies only'
multicast\t'Unicast replies and replies to the group'"
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l asm -d 'With --ssmping: ask replies on an any-source group, as asmping (its last byte becomes 234, or for IPv6 its last 32 bits 4321:1234)' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l name -d 'This host\'s name in replies (--mesh) [default: the host name]' -r
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l ssmping -d 'Be an ssmping/asmping client of SERVER (ssmpingd or mcast pong --ssmping)'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l mesh -d 'Probe and respond at once, on every host of a mesh; prints who reached whom'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -l json -d 'Print replies and summaries as JSON Lines'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcast -n "__fish_mcast_using_subcommand ping" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s i -l iface -d 'Interface by name, index or address; default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l ttl -d 'TTL (hop limit) of replies, 1-255' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l reply -d 'Reply by unicast only, or to the group as well (when the probe asks)' -r -f -a "unicast\t'Unicast replies only'
multicast\t'Unicast replies and replies to the group'"
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l rate -d 'Replies per second per prober (a burst of up to 5 or the rate passes)' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l name -d 'This host\'s name in replies [default: the host name]' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s d -l duration -d 'Stop after this long (exit 0)' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s t -l timeout -d 'Stop after this long; exit 1 unless a probe was answered' -r
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand pong" -l ssmping -d 'Also answer ssmping and asmping clients on UDP 4321, as ssmpingd does'
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mcast -n "__fish_mcast_using_subcommand pong" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -l group -d 'Group to use (IPv4; the test never leaves this host)' -r
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s c -l count -d 'Test packets to send' -r
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s t -l timeout -d 'Give up waiting for packets after this long' -r
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand selftest" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s i -l iface -d 'Only this interface (name, index or address); default: every multicast interface' -r
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s t -l timeout -d 'Watch this long, then judge (a querier\'s default interval is 125 s)' -r
complete -c mcast -n "__fish_mcast_using_subcommand querier" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s 4 -l ipv4 -d 'IGMP (IPv4) only'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s 6 -l ipv6 -d 'MLD (IPv6) only'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -l json -d 'JSON Lines on stdout: query, report and summary records'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand querier" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s i -l iface -d 'Only this interface (name, index or address)' -r
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s w -l watch -d 'Read again every DURATION (default 1s) and print what changed' -r
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s t -l timeout -d 'With --watch: stop after this long' -r
complete -c mcast -n "__fish_mcast_using_subcommand groups" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand groups" -l json -d 'JSON Lines on stdout: one membership record per group and interface'
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand groups" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -l json -d 'JSON Lines on stdout: one `interface` record each, then `multicast_route` records'
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand ifaces" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s i -l iface -d 'Interface to check by name, index or address; default: the one the routes choose per family' -r
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -l querier-wait -d 'Listen this long for an IGMP/MLD querier (0: do not); a querier\'s default interval is 125 s' -r
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -l json -d 'JSON Lines on stdout: one `check` record each, then a `summary`'
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s i -l iface -d 'Interface by name, index or address; IPv6 SAP groups are joined only with one' -r
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s t -l timeout -d 'Stop after this long (5s, 1m); exit 1 if no session was announced by then [default: until Ctrl-C]' -r
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l rtp-clock -d 'RTP clock rate in Hz for jitter (default: from the payload type, or the SDP with sap --join)' -r
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l json -d 'JSON Lines on stdout: a "sap" record per event, a summary at the end'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l join -d 'Join every announced stream and analyse it (RTP, MPEG-TS) until the end'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l rtp -d 'Take every datagram with an RTP version 2 header as RTP at once (default: after 3 consistent packets)'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -l no-rtp -d 'Never analyse RTP (MPEG-TS straight over UDP is still recognised)'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand sap" -s V -l version -d 'Print version'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s V -l version -d 'Print version'
