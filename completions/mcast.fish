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
complete -c mcast -n "__fish_mcast_needs_command" -f -a "selftest" -d 'Send to and receive from this host only (TTL 0 on loopback): does multicast work here at all?'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "querier" -d 'Watch IGMP/MLD: who is querier on each link, its version, interval and robustness, and whether this host answers (needs CAP_NET_RAW; without it, the kernel\'s weaker view)'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "groups" -d 'The multicast groups this host holds, per interface, with source filters and IGMP/MLD version (Linux)'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "ifaces" -d 'List interfaces: state, MULTICAST flag, MTU, addresses, and where multicast leaves by default'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "doctor" -d 'Check this host for what stops multicast: each check ok, warning or problem, with its fix'
complete -c mcast -n "__fish_mcast_needs_command" -f -a "completions" -d 'Print a shell completion script to stdout'
complete -c mcast -n "__fish_mcast_using_subcommand join" -s i -l iface -d 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel\'s routes' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s p -l port -d 'Port for groups written without one' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s c -l count -d 'Stop after N packets; with --timeout, success means N packets arrived in time' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s t -l timeout -d 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -s d -l duration -d 'Run this long, then stop with exit 0 (250ms, 5s, 1m)' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l max-loss -d 'Exit 1 when more than this percentage of test packets was lost (0-100)' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l stats-interval -d 'Print per-stream statistics this often, as well as at the end' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l rcvbuf -d 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported' -r
complete -c mcast -n "__fish_mcast_using_subcommand join" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand join" -l lean -d 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
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
complete -c mcast -n "__fish_mcast_using_subcommand listen" -s f -l format -d 'Output format' -r -f -a "text\t'Aligned, human-readable columns'
json\t'JSON Lines, one record per line (schema in README)'
raw\t'Payload bytes only, exactly as received'
hex\t'A header line and a hexdump per packet'
none\t'No per-packet output: only the summary (and --stats-interval records)'"
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand listen" -l lean -d 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
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
complete -c mcast -n "__fish_mcast_using_subcommand completions" -l color -d 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s q -l quiet -d 'Only errors on stderr (no live counters, no start/summary lines)'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mcast -n "__fish_mcast_using_subcommand completions" -s V -l version -d 'Print version'
