package io.walnut;

import io.walnut.core.Transport;
import io.walnut.core.WriteBatching;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * nutcracker's command line, parsed with picocli to behave like its {@code getopt_long}: the same short and
 * long options, clustering ({@code -tv5}), values that look like options ({@code -c -t}), a repeated option
 * overriding the earlier one, operands ignored, and each bad value reported with nutcracker's words as soon
 * as it is read. Plus Walnut's own {@code --threads}, {@code --batch-window-us}, {@code --reply-hold-us},
 * {@code --metrics-port}, {@code --metrics-addr}, {@code --warmup-ms} and {@code --transport}.
 */
@Command(name = "walnut")
final class CommandLineOptions {

    static final int DEFAULT_VERBOSITY = 5;
    static final int MAX_VERBOSITY = 11;
    static final String DEFAULT_CONF = "conf/nutcracker.yml";
    static final int DEFAULT_STATS_PORT = 22222;
    static final String DEFAULT_STATS_ADDR = "0.0.0.0";
    static final int DEFAULT_STATS_INTERVAL = 30_000;
    static final int DEFAULT_MBUF_SIZE = 16384;
    static final int MIN_MBUF_SIZE = 512;
    static final int MAX_MBUF_SIZE = 16_777_216;
    /** Loopback: the metrics name servers and traffic; scraping from elsewhere is an explicit choice. */
    static final String DEFAULT_METRICS_ADDR = "127.0.0.1";
    /**
     * A bound: the warm-up stops as soon as the compilers are done, 2-5 s on two cores. Cut at 3 s it left
     * 0.55 s of compiling to the first real traffic (docs/performance.md).
     */
    static final int DEFAULT_WARMUP_MS = 6000;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"})
    private boolean help;
    @Option(names = {"-V", "--version"})
    private boolean version;
    @Option(names = {"-t", "--test-conf"})
    private boolean testConf;
    @Option(names = {"-d", "--daemonize"})
    private boolean daemonize;
    @Option(names = {"-D", "--describe-stats"})
    private boolean describeStats;

    /** getopt leaves operands alone and nutcracker never looks at them. */
    @Parameters(hidden = true)
    private List<String> ignoredOperands = new ArrayList<>();

    private int verbosity = DEFAULT_VERBOSITY;
    private Path logFile;
    private Path confFile = Path.of(DEFAULT_CONF);
    private int statsPort = DEFAULT_STATS_PORT;
    private String statsAddr = DEFAULT_STATS_ADDR;
    private int statsIntervalMs = DEFAULT_STATS_INTERVAL;
    private Path pidFile;
    private int mbufSize = DEFAULT_MBUF_SIZE;
    private int threads = defaultThreads();
    /** Null until given: then the transport's default. */
    private Integer batchWindowUs;
    private int replyHoldUs = WriteBatching.DEFAULT_REPLY_HOLD_MICROS;
    private int metricsPort;
    private String metricsAddr = DEFAULT_METRICS_ADDR;
    private int warmupMs = DEFAULT_WARMUP_MS;
    private Transport transport = Transport.best();

    private CommandLineOptions() {
    }

    /** Parses like nutcracker; a {@link UsageException} carries nutcracker's message (without prefix). */
    static CommandLineOptions parse(String... args) throws UsageException {
        CommandLineOptions options = new CommandLineOptions();
        CommandLine commandLine = new CommandLine(options)
                .setAllowOptionsAsOptionParameters(true)
                .setOverwrittenOptionsAllowed(true)
                .setExpandAtFiles(false)
                .setEndOfOptionsDelimiter("--");
        try {
            commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw UsageException.from(e);
        }
        return options;
    }

    @Option(names = {"-v", "--verbose"})
    private void verbosity(String value) {
        verbosity = Math.min(number(value, "option -v requires a number"), MAX_VERBOSITY);
    }

    @Option(names = {"-o", "--output"})
    private void logFile(String value) {
        // nutcracker logs to stderr when the name is empty
        logFile = value.isEmpty() ? null : Path.of(value);
    }

    @Option(names = {"-c", "--conf-file"})
    private void confFile(String value) {
        confFile = Path.of(value);
    }

    @Option(names = {"-s", "--stats-port"})
    private void statsPort(String value) {
        int port = number(value, "option -s requires a number");
        if (port < 1 || port > 65535) {
            throw bad("option -s value " + port + " is not a valid port");
        }
        statsPort = port;
    }

    @Option(names = {"-a", "--stats-addr"})
    private void statsAddr(String value) {
        statsAddr = value;
    }

    @Option(names = {"-i", "--stats-interval"})
    private void statsInterval(String value) {
        statsIntervalMs = number(value, "option -i requires a number");
    }

    @Option(names = {"-p", "--pid-file"})
    private void pidFile(String value) {
        pidFile = Path.of(value);
    }

    @Option(names = {"-m", "--mbuf-size"})
    private void mbufSize(String value) {
        int size = number(value, "option -m requires a non-zero number");
        if (size == 0) {
            throw bad("option -m requires a non-zero number");
        }
        if (size < MIN_MBUF_SIZE || size > MAX_MBUF_SIZE) {
            throw bad("mbuf chunk size must be between " + MIN_MBUF_SIZE + " and " + MAX_MBUF_SIZE + " bytes");
        }
        mbufSize = size;
    }

    /**
     * One event loop per core; but one on a machine of two cores or fewer, where the proxy shares them with its
     * clients and servers: there a second loop wakes up about twice as often for the same work and costs more
     * CPU per request than it gains (measured in docs/performance.md).
     */
    static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores <= 2 ? 1 : cores;
    }

    @Option(names = "--threads")
    private void threads(String value) {
        int count = number(value, "option --threads requires a number");
        if (count < 1) {
            throw bad("option --threads value " + count + " must be at least 1");
        }
        threads = count;
    }

    @Option(names = "--batch-window-us")
    private void batchWindowUs(String value) {
        batchWindowUs = number(value, "option --batch-window-us requires a number");
    }

    @Option(names = "--reply-hold-us")
    private void replyHoldUs(String value) {
        replyHoldUs = number(value, "option --reply-hold-us requires a number");
    }

    @Option(names = "--metrics-port")
    private void metricsPort(String value) {
        int port = number(value, "option --metrics-port requires a number");
        if (port < 1 || port > 65535) {
            throw bad("option --metrics-port value " + port + " is not a valid port");
        }
        metricsPort = port;
    }

    @Option(names = "--metrics-addr")
    private void metricsAddr(String value) {
        metricsAddr = value;
    }

    @Option(names = "--warmup-ms")
    private void warmupMs(String value) {
        warmupMs = number(value, "option --warmup-ms requires a number");
    }

    @Option(names = "--transport")
    private void transport(String value) {
        try {
            transport = Transport.available(value);
        } catch (IllegalArgumentException e) {
            throw bad("option --transport value " + e.getMessage());
        }
    }

    /** nutcracker's number rule: decimal digits only, fitting a signed 32-bit int. */
    private int number(String value, String message) {
        if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw bad(message);
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(message);
        }
    }

    private ParameterException bad(String message) {
        return new UsageException.BadValue(spec.commandLine(), message);
    }

    boolean help() {
        return help;
    }

    /** -h and -D imply the version lines, as in nutcracker. */
    boolean version() {
        return version || help || describeStats;
    }

    boolean describeStats() {
        return describeStats;
    }

    boolean testConf() {
        return testConf;
    }

    Path confFile() {
        return confFile;
    }

    LaunchOptions toLaunchOptions() {
        return new LaunchOptions(confFile, verbosity, logFile, statsPort, statsAddr, statsIntervalMs, pidFile,
                mbufSize, daemonize, threads,
                batchWindowUs != null ? batchWindowUs : transport.defaultBatchWindowMicros(), replyHoldUs,
                metricsPort, metricsAddr, warmupMs, transport);
    }

    /** The short name nutcracker would quote for an option, e.g. {@code c} for {@code --conf-file}. */
    static String shortName(OptionSpec option) {
        String name = option.shortestName();
        return name.startsWith("--") ? name : name.substring(1);
    }
}
