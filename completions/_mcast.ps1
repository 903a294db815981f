
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'mcast' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'mcast'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'mcast' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('join', 'join', [CompletionResultType]::ParameterValue, 'Join groups and hold membership, with live per-group counters on stderr')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Stream every received packet to stdout, one record per packet')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send test packets (or your own payload) to groups')
            [CompletionResult]::new('sockopt', 'sockopt', [CompletionResultType]::ParameterValue, 'Apply multicast socket options and read them back with getsockopt')
            [CompletionResult]::new('selftest', 'selftest', [CompletionResultType]::ParameterValue, 'Send to and receive from this host only (TTL 0 on loopback): does multicast work here at all?')
            [CompletionResult]::new('querier', 'querier', [CompletionResultType]::ParameterValue, 'Watch IGMP/MLD: who is querier on each link, its version, interval and robustness, and whether this host answers (needs CAP_NET_RAW; without it, the kernel''s weaker view)')
            [CompletionResult]::new('groups', 'groups', [CompletionResultType]::ParameterValue, 'The multicast groups this host holds, per interface, with source filters and IGMP/MLD version (Linux)')
            [CompletionResult]::new('ifaces', 'ifaces', [CompletionResultType]::ParameterValue, 'List interfaces: state, MULTICAST flag, MTU, addresses, and where multicast leaves by default')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this host for what stops multicast: each check ok, warning or problem, with its fix')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script to stdout')
            break
        }
        'mcast;join' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N packets; with --timeout, success means N packets arrived in time')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N packets; with --timeout, success means N packets arrived in time')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Run this long, then stop with exit 0 (250ms, 5s, 1m)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Run this long, then stop with exit 0 (250ms, 5s, 1m)')
            [CompletionResult]::new('--max-loss', '--max-loss', [CompletionResultType]::ParameterName, 'Exit 1 when more than this percentage of test packets was lost (0-100)')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Print per-stream statistics this often, as well as at the end')
            [CompletionResult]::new('--rcvbuf', '--rcvbuf', [CompletionResultType]::ParameterName, 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--lean', '--lean', [CompletionResultType]::ParameterName, 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;listen' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N packets; with --timeout, success means N packets arrived in time')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N packets; with --timeout, success means N packets arrived in time')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up after this long (250ms, 5s, 1m); exit 1 unless --count packets (default 1) arrived')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Run this long, then stop with exit 0 (250ms, 5s, 1m)')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Run this long, then stop with exit 0 (250ms, 5s, 1m)')
            [CompletionResult]::new('--max-loss', '--max-loss', [CompletionResultType]::ParameterName, 'Exit 1 when more than this percentage of test packets was lost (0-100)')
            [CompletionResult]::new('--stats-interval', '--stats-interval', [CompletionResultType]::ParameterName, 'Print per-stream statistics this often, as well as at the end')
            [CompletionResult]::new('--rcvbuf', '--rcvbuf', [CompletionResultType]::ParameterName, 'Socket receive buffer to ask for (bytes, or with K/M suffix); the granted size is reported')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--lean', '--lean', [CompletionResultType]::ParameterName, 'Ask the kernel for less per packet, to take more packets/s: no TTL and no kernel timestamps (latency and jitter then use the time each batch was read, so time spent queued in the socket counts as latency). For capacity tests')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Same as --format json')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;send' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Interface by name (eth0), index (2) or address (192.0.2.1); default: chosen by the kernel''s routes')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Source address (and port) to send from; SSM listeners filter on it')
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Source address (and port) to send from; SSM listeners filter on it')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Multicast TTL (IPv4) or hop limit (IPv6), 0-255 [default: 1, the OS default]')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Packets per second per group, or "max" for as fast as the kernel takes them [default: 10]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between packets (100ms, 1s), instead of --rate')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Packets to send per group; 0 means until --duration or Ctrl-C [default: 10; with --duration or --stdin, no limit]')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Send for this long; with --count, stop at whichever comes first')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Send for this long; with --count, stop at whichever comes first')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Datagram size in bytes for test packets (the header is 36 bytes) [default: 64]')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Send this text as the payload of every packet instead of test packets')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--loop', '--loop', [CompletionResultType]::ParameterName, 'Deliver to listeners on this host too (the OS default)')
            [CompletionResult]::new('--no-loop', '--no-loop', [CompletionResultType]::ParameterName, 'Do not deliver to listeners on this host')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Send each line read from stdin as one datagram, instead of test packets')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the start and summary as JSON Lines on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;sockopt' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface for --join and for the multicast interface option')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Interface for --join and for the multicast interface option')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set an option before reading everything back: IP_MULTICAST_TTL=5, ttl=5, loop=off, ...')
            [CompletionResult]::new('--join', '--join', [CompletionResultType]::ParameterName, 'Join a group on the socket of its family before reading back')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;selftest' {
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Group to use (IPv4; the test never leaves this host)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Test packets to send')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Test packets to send')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Give up waiting for packets after this long')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up waiting for packets after this long')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;querier' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Only this interface (name, index or address); default: every multicast interface')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Only this interface (name, index or address); default: every multicast interface')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Watch this long, then judge (a querier''s default interval is 125 s)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Watch this long, then judge (a querier''s default interval is 125 s)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'IGMP (IPv4) only')
            [CompletionResult]::new('--ipv4', '--ipv4', [CompletionResultType]::ParameterName, 'IGMP (IPv4) only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'MLD (IPv6) only')
            [CompletionResult]::new('--ipv6', '--ipv6', [CompletionResultType]::ParameterName, 'MLD (IPv6) only')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout: query, report and summary records')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;groups' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Only this interface (name, index or address)')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Only this interface (name, index or address)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Read again every DURATION (default 1s) and print what changed')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Read again every DURATION (default 1s) and print what changed')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'With --watch: stop after this long')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --watch: stop after this long')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout: one membership record per group and interface')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;ifaces' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout: one `interface` record each, then `multicast_route` records')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;doctor' {
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Interface to check by name, index or address; default: the one the routes choose per family')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'Interface to check by name, index or address; default: the one the routes choose per family')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port for groups written without one')
            [CompletionResult]::new('--querier-wait', '--querier-wait', [CompletionResultType]::ParameterName, 'Listen this long for an IGMP/MLD querier (0: do not); a querier''s default interval is 125 s')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'JSON Lines on stdout: one `check` record each, then a `summary`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'mcast;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour on the terminal (never in JSON; NO_COLOR is honoured)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (-v: info, -vv: every socket option applied, -vvv: trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only errors on stderr (no live counters, no start/summary lines)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
