package io.walnut;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

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
        return "This is walnut-" + version() + "\n" + "async event backend: " + eventBackend() + "\n" + "\n";
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
                + Runtime.getRuntime().availableProcessors() + ")" + CRLF
                + "\n";
    }

    /** nutcracker's {@code -D} table: two spaces, the name in 20 columns, the description quoted. */
    static String statsDescription() {
        StringBuilder text = new StringBuilder("pool stats:\n");
        describe(text, "client_eof", "# eof on client connections");
        describe(text, "client_err", "# errors on client connections");
        describe(text, "client_connections", "# active client connections");
        describe(text, "server_ejects", "# times backend server was ejected");
        describe(text, "forward_error", "# times we encountered a forwarding error");
        describe(text, "fragments", "# fragments created from a multi-vector request");
        text.append("\nserver stats:\n");
        describe(text, "server_eof", "# eof on server connections");
        describe(text, "server_err", "# errors on server connections");
        describe(text, "server_timedout", "# timeouts on server connections");
        describe(text, "server_connections", "# active server connections");
        describe(text, "server_ejected_at", "timestamp when server was ejected in usec since epoch");
        describe(text, "requests", "# requests");
        describe(text, "request_bytes", "total request bytes");
        describe(text, "responses", "# responses");
        describe(text, "response_bytes", "total response bytes");
        describe(text, "in_queue", "# requests in incoming queue");
        describe(text, "in_queue_bytes", "current request bytes in incoming queue");
        describe(text, "out_queue", "# requests in outgoing queue");
        describe(text, "out_queue_bytes", "current request bytes in outgoing queue");
        return text.toString();
    }

    private static void describe(StringBuilder text, String name, String description) {
        text.append(String.format("  %-20s\"%s\"", name, description)).append('\n');
    }

    /** The Maven version packed into the jar; "dev" when running from classes, as in unit tests. */
    static String version() {
        try (InputStream in = HelpText.class.getResourceAsStream("/META-INF/maven/io.walnut/walnut/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through: the version line is informative only
        }
        return "dev";
    }

    /**
     * What Netty will use: the native epoll transport when it loads, else Java NIO. Looked up reflectively so
     * the command line does not need netty-transport-classes-epoll on its compile path.
     */
    static String eventBackend() {
        try {
            Object available = Class.forName("io.netty.channel.epoll.Epoll").getMethod("isAvailable").invoke(null);
            return Boolean.TRUE.equals(available) ? "epoll" : "nio";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "nio";
        }
    }
}
