package io.walnut;

import io.walnut.config.ConfigException;
import io.walnut.config.ConfigLoader;
import io.walnut.config.ProxyConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.ToIntBiFunction;

/**
 * The {@code walnut} command, in nutcracker's order: options, info flags ({@code -h -V -D}, which win over
 * {@code -t}), {@code -t}, then logging, config, {@code -d}, pid file and the proxy. Every step returns an exit
 * code; only {@link #main} exits, so tests can drive {@link #run}.
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private final PrintStream err;
    private final ToIntBiFunction<LaunchOptions, ProxyConfig> proxy;

    Main(PrintStream err, ToIntBiFunction<LaunchOptions, ProxyConfig> proxy) {
        this.err = err;
        this.proxy = proxy;
    }

    public static void main(String[] args) {
        System.exit(new Main(System.err, Walnut::run).run(args));
    }

    int run(String... args) {
        CommandLineOptions options;
        try {
            options = CommandLineOptions.parse(args);
        } catch (UsageException e) {
            err.print("walnut: " + e.getMessage() + "\n" + HelpText.usage());
            return 1;
        }
        if (options.version()) {
            err.print(HelpText.versionLines()
                    + (options.help() ? HelpText.usage() : "")
                    + (options.describeStats() ? HelpText.statsDescription() : ""));
            return 0;
        }
        if (options.testConf()) {
            return testConf(options.confFile());
        }
        return start(options.toLaunchOptions());
    }

    private int testConf(Path file) {
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.print("walnut: " + e.getMessage() + "\n" + invalid(file));
            return 1;
        }
        err.print("walnut: configuration file '" + file + "' syntax is ok\n");
        return 0;
    }

    private static String invalid(Path file) {
        return "walnut: configuration file '" + file + "' syntax is invalid\n";
    }

    private int start(LaunchOptions options) {
        try {
            Logging.configure(options.verbosity(), options.logFile());
        } catch (IOException e) {
            err.print("opening log file '" + options.logFile() + "' failed: " + e.getMessage() + "\n");
            return 1;
        }
        ProxyConfig config;
        try {
            config = ConfigLoader.load(options.confFile());
        } catch (ConfigException e) {
            log.error(e.getMessage());
            err.print(invalid(options.confFile()));
            return 1;
        }
        return options.daemonize() ? daemonize(options) : runProxy(options, config);
    }

    /** The config was checked here first, so a bad file fails in the foreground with exit 1. */
    private static int daemonize(LaunchOptions options) {
        try {
            log.debug("daemonized as pid {}", Daemon.launch(options));
            return 0;
        } catch (IOException e) {
            log.error("daemonize failed: {}", e.getMessage());
            return 1;
        }
    }

    private int runProxy(LaunchOptions options, ProxyConfig config) {
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            try {
                PidFile.write(pidFile, ProcessHandle.current().pid());
            } catch (IOException e) {
                log.error("opening pid file '{}' failed: {}", pidFile, e.getMessage());
                return 1;
            }
        }
        try {
            return proxy.applyAsInt(options, config);
        } catch (RuntimeException e) {
            // a daemon's stderr is /dev/null: the log is the only place this can be seen
            log.error("walnut stopped on an unexpected error", e);
            return 1;
        } finally {
            if (pidFile != null) {
                removePidFile(pidFile);
            }
        }
    }

    private static void removePidFile(Path pidFile) {
        try {
            PidFile.remove(pidFile);
        } catch (IOException e) {
            log.error("unlink of pid file '{}' failed, ignored: {}", pidFile, e.getMessage());
        }
    }
}
