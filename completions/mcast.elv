
use builtin;
use str;

set edit:completion:arg-completer[mcast] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'mcast'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'mcast'= {
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand join 'Join groups and hold membership, with live per-group counters on stderr'
            cand listen 'Stream every received packet to stdout, one record per packet'
            cand send 'Send test packets (or your own payload) to groups'
            cand sockopt 'Apply multicast socket options and read them back with getsockopt'
            cand selftest 'Send to and receive from this host only (TTL 0 on loopback): does multicast work here at all?'
            cand completions 'Print a shell completion script to stdout'
        }
        &'mcast;join'= {
            cand -i 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand --iface 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand -p 'Port for groups written without one'
            cand --port 'Port for groups written without one'
            cand -c 'Stop after N packets; with --timeout, success means N packets arrived in time'
            cand --count 'Stop after N packets; with --timeout, success means N packets arrived in time'
            cand -t 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived'
            cand --timeout 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived'
            cand -d 'Run this long, then stop with exit 0 (250ms, 5s, 1m)'
            cand --duration 'Run this long, then stop with exit 0 (250ms, 5s, 1m)'
            cand --max-loss 'Exit 1 when more than this percentage of test packets was lost (0-100)'
            cand --stats-interval 'Print per-stream statistics this often, as well as at the end'
            cand --rcvbuf 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported'
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand --lean 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcast;listen'= {
            cand -i 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand --iface 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand -p 'Port for groups written without one'
            cand --port 'Port for groups written without one'
            cand -c 'Stop after N packets; with --timeout, success means N packets arrived in time'
            cand --count 'Stop after N packets; with --timeout, success means N packets arrived in time'
            cand -t 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived'
            cand --timeout 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived'
            cand -d 'Run this long, then stop with exit 0 (250ms, 5s, 1m)'
            cand --duration 'Run this long, then stop with exit 0 (250ms, 5s, 1m)'
            cand --max-loss 'Exit 1 when more than this percentage of test packets was lost (0-100)'
            cand --stats-interval 'Print per-stream statistics this often, as well as at the end'
            cand --rcvbuf 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand --lean 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests'
            cand --json 'Same as --format json'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcast;send'= {
            cand -i 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand --iface 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes'
            cand -p 'Port for groups written without one'
            cand --port 'Port for groups written without one'
            cand -b 'Source address (and port) to send from; SSM listeners filter on it'
            cand --bind 'Source address (and port) to send from; SSM listeners filter on it'
            cand --ttl 'Multicast TTL (IPv4) or hop limit (IPv6), 0-255 [default: 1, the OS default]'
            cand -r 'Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]'
            cand --rate 'Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]'
            cand --interval 'Time between packets (100ms, 1s), instead of --rate'
            cand -c 'Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]'
            cand --count 'Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]'
            cand -d 'Send for this long; with --count, stop at whichever comes first'
            cand --duration 'Send for this long; with --count, stop at whichever comes first'
            cand -s 'Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]'
            cand --size 'Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]'
            cand --payload 'Send this text as the payload of every packet instead of test packets'
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand --loop 'Deliver to listeners on this host too (the OS default)'
            cand --no-loop 'Do not deliver to listeners on this host'
            cand --stdin 'Send each line read from stdin as one datagram, instead of test packets'
            cand --json 'Print the start and summary as JSON Lines on stdout'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcast;sockopt'= {
            cand -i 'Interface for --join and for the multicast interface option'
            cand --iface 'Interface for --join and for the multicast interface option'
            cand --set 'Set an option before reading everything back: IP_MULTICAST_TTL=5, ttl=5, loop=off, ...'
            cand --join 'Join a group on the socket of its family before reading back'
            cand -f 'Output format'
            cand --format 'Output format'
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand -4 'IPv4 only'
            cand --ipv4 'IPv4 only'
            cand -6 'IPv6 only'
            cand --ipv6 'IPv6 only'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcast;selftest'= {
            cand --group 'Group to use (IPv4; the test never leaves this host)'
            cand -c 'Test packets to send'
            cand --count 'Test packets to send'
            cand -t 'Give up waiting for packets after this long'
            cand --timeout 'Give up waiting for packets after this long'
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'mcast;completions'= {
            cand --color 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)'
            cand -v 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand --verbose 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)'
            cand -q 'Only errors on stderr (no live counters, no start/summary lines)'
            cand --quiet 'Only errors on stderr (no live counters, no start/summary lines)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
