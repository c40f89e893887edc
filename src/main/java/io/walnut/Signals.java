package io.walnut;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.function.IntConsumer;

/**
 * nutcracker's signals (reference 2.2): SIGHUP reopens the log file, SIGTTIN and SIGTTOU raise and lower the
 * log level, SIGUSR1 and SIGUSR2 are only logged, SIGINT exits 1 as nutcracker does. SIGTERM, which nutcracker
 * leaves to the kernel, exits 0 here after a clean close. Each is logged with nutcracker's words.
 *
 * <p>Why {@code sun.misc.Signal}: Java has no supported API to catch a signal. This class lives in the
 * {@code jdk.unsupported} module, which JEP 260 keeps exported until a replacement exists, so it works on JDK 17
 * with no flags. Its handlers run on a new ordinary JVM thread, not inside the C signal handler, so they may log
 * and take locks. Installing a handler replaces the JVM's own: SIGHUP would otherwise stop the JVM. A signal the
 * JVM keeps for itself (with {@code -Xrs}, or one it uses internally) cannot be taken; that is logged and the
 * JVM's default stays.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    /** The exit code for SIGINT: nutcracker calls exit(1). */
    static final int INTERRUPTED_EXIT = 1;

    private Signals() {
    }

    /** Installs every handler; {@code stop} closes the proxy and makes the process exit with the given code. */
    static void install(IntConsumer stop) {
        handle("HUP", ", reopening log file", Logging::reopen);
        handle("TTIN", ", up logging level", () -> {
            Logging.setVerbosity(Logging.verbosity() + 1);
            log.info("up log level to {}", Logging.verbosity());
        });
        handle("TTOU", ", down logging level", () -> {
            int lower = Math.max(Logging.verbosity() - 1, 0);
            // said before lowering, or a level under 5 would hide the line that reports it
            log.info("down log level to {}", lower);
            Logging.setVerbosity(lower);
        });
        handle("USR1", "", () -> { });
        handle("USR2", "", () -> { });
        handle("INT", ", exiting", () -> stop.accept(INTERRUPTED_EXIT));
        handle("TERM", ", exiting", () -> stop.accept(0));
    }

    private static void handle(String name, String suffix, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> {
                log.info("signal {} (SIG{}) received{}", signal.getNumber(), name, suffix);
                action.run();
            });
        } catch (IllegalArgumentException e) {
            log.warn("signal SIG{} cannot be handled here ({}); the JVM's default applies", name, e.getMessage());
        }
    }
}
