package io.walnut;

import io.walnut.core.Transport;
import io.walnut.core.WriteBatching;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;

/**
 * The texts nutcracker prints for {@code -V}, {@code -h} and {@code -D}, with {@code walnut} in its place.
 * The usage keeps nutcracker's bytes, CRLF line ends included, so that scripts comparing output see the same.
 */
final class HelpText {

    private static final String CRLF = "\r\n";

    private HelpText() {
    }

    /** {@code This is walnut-<version>}, the event backend, and a blank line. */
    static String versionLines() {
        return "This is walnut-" + Version.walnut() + "\n" + "async event backend: " + eventBackend() + "\n" + "\n";
    }

    static String usage() {
        return "Usage: walnut [-?hVdDt] [-v verbosity level] [-o output file]" + CRLF
                + "              [-c conf file] [-s stats port] [-a stats addr]" + CRLF
                + "              [-i stats interval] [-p pid file] [-m mbuf size]" + CRLF
                + "\n"
                + "Options:" + CRLF
                + "  -h, --help             : this help" + CRLF
                + "  -V, --version          : show version and exit" + CRLF
                + "  -t, --test-conf        : test configuration for syntax errors and exit" + CRLF
                + "  -d, --daemonize        : run as a daemon" + CRLF
                + "  -D, --describe-stats   : print stats description and exit" + "\n"
                + "  -v, --verbose=N        : set logging level (default: " + CommandLineOptions.DEFAULT_VERBOSITY
                + ", min: 0, max: " + CommandLineOptions.MAX_VERBOSITY + ")" + CRLF
                + "  -o, --output=S         : set logging file (default: stderr)" + CRLF
                + "  -c, --conf-file=S      : set configuration file (default: " + CommandLineOptions.DEFAULT_CONF
                + ")" + CRLF
                + "  -s, --stats-port=N     : set stats monitoring port (default: "
                + CommandLineOptions.DEFAULT_STATS_PORT + ")" + CRLF
                + "  -a, --stats-addr=S     : set stats monitoring ip (default: "
                + CommandLineOptions.DEFAULT_STATS_ADDR + ")" + CRLF
                + "  -i, --stats-interval=N : set stats aggregation interval in msec (default: "
                + CommandLineOptions.DEFAULT_STATS_INTERVAL + " msec)" + CRLF
                + "  -p, --pid-file=S       : set pid file (default: off)" + CRLF
                + "  -m, --mbuf-size=N      : set size of mbuf chunk in bytes (default: "
                + CommandLineOptions.DEFAULT_MBUF_SIZE + " bytes)" + CRLF
                + "      --threads=N        : set number of event loop threads (default: "
                + CommandLineOptions.defaultThreads() + ")" + CRLF
                + "      --batch-window-us=N : on a busy loop, write to the servers at most once per N usec (default: "
                + Transport.IO_URING.defaultBatchWindowMicros() + " over io_uring, "
                + Transport.EPOLL.defaultBatchWindowMicros() + " otherwise, 0: off)" + CRLF
                + "      --reply-hold-us=N  : let ready replies wait up to N usec for the rest of a pipeline (default: "
                + WriteBatching.DEFAULT_REPLY_HOLD_MICROS + ", 0: off)" + CRLF
                + "      --metrics-port=N   : serve Prometheus metrics over HTTP on this port (default: off)" + CRLF
                + "      --metrics-addr=S   : set Prometheus metrics ip (default: "
                + CommandLineOptions.DEFAULT_METRICS_ADDR + ")" + CRLF
                + "      --warmup-ms=N      : compile the request path for up to N msec before listening (default: "
                + CommandLineOptions.DEFAULT_WARMUP_MS + ", 0: off)" + CRLF
                + "      --transport=S      : set socket layer: epoll, io_uring or nio (default: "
                + eventBackend() + ")" + CRLF
                + "\n";
    }

    /** nutcracker's {@code -D} table: two spaces, the name in 20 columns, the description quoted. */
    static String statsDescription() {
        StringBuilder text = new StringBuilder("pool stats:\n");
        for (PoolMetric m : PoolMetric.values()) {
            describe(text, m.jsonName(), m.description());
        }
        text.append("\nserver stats:\n");
        for (ServerMetric m : ServerMetric.values()) {
            describe(text, m.jsonName(), m.description());
        }
        return text.toString();
    }

    private static void describe(StringBuilder text, String name, String description) {
        text.append(String.format("  %-20s\"%s\"", name, description)).append('\n');
    }

    /** What Netty will use: the native epoll transport when it loads, else Java NIO. */
    static String eventBackend() {
        return Transport.best().displayName();
    }
}
