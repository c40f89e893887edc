package io.walnut;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Sets up Logback from nutcracker's {@code -v} and {@code -o}. Lines read
 * {@code [YYYY-MM-DD HH:MM:SS.mmm] <Class> <message>}, like nutcracker's {@code [...] <file>.c:<line> <message>}.
 *
 * <p>nutcracker's levels map to Logback's as follows; the default 5 (NOTICE) shows state changes but nothing
 * per connection or per request:
 * <pre>
 *  0 EMERG          OFF    nothing, as nutcracker at level 0 (e.g. during -t)
 *  1-3 ALERT..ERR   ERROR
 *  4 WARN           WARN
 *  5 NOTICE         INFO   start-up, listeners, ejections, config problems
 *  6-7 INFO, DEBUG  DEBUG  per connection: accept, close, connect
 *  8-11 VERB..PVERB TRACE  per request
 * </pre>
 * Other libraries (Netty) log at WARN or above, unless the level is 11, which lets everything through.
 *
 * <p>Logging is process-wide, so this class is too; SIGHUP and SIGTTIN/SIGTTOU handlers call
 * {@link #reopen()} and {@link #setVerbosity(int)} from any thread.
 */
public final class Logging {

    static final String PATTERN = "[%d{yyyy-MM-dd HH:mm:ss.SSS}] %logger{0} %msg%n";
    private static final String WALNUT_LOGGER = "io.walnut";
    private static final String APPENDER = "walnut";
    private static final int MAX_VERBOSITY = 11;

    private static volatile int verbosity = CommandLineOptions.DEFAULT_VERBOSITY;

    private Logging() {
    }

    /**
     * Replaces any Logback setup: one appender, to stderr when {@code logFileOrNull} is null, else to the file
     * opened for appending (created 0644 under the usual umask).
     *
     * @throws IOException when the file cannot be opened; nutcracker then says
     *                     {@code opening log file '<f>' failed: <reason>} and exits 1
     */
    public static void configure(int verbosity, Path logFileOrNull) throws IOException {
        if (logFileOrNull != null) {
            // FileAppender only reports failures to Logback's status list; find out here, as nutcracker does
            try (OutputStream probe = Files.newOutputStream(logFileOrNull, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                probe.flush();
            }
        }
        LoggerContext context = context();
        context.reset();
        context.getLogger(Logger.ROOT_LOGGER_NAME)
                .addAppender(started(logFileOrNull == null ? stderr() : file(logFileOrNull)));
        setVerbosity(verbosity);
    }

    private static OutputStreamAppender<ILoggingEvent> started(OutputStreamAppender<ILoggingEvent> appender) {
        LoggerContext context = context();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        appender.setContext(context);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static OutputStreamAppender<ILoggingEvent> stderr() {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        return console;
    }

    private static OutputStreamAppender<ILoggingEvent> file(Path path) {
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setFile(path.toString());
        file.setAppend(true);
        return file;
    }

    /** Sets nutcracker's level, clamped to 0..11 as nutcracker clamps it. */
    public static void setVerbosity(int level) {
        int clamped = Math.max(0, Math.min(level, MAX_VERBOSITY));
        verbosity = clamped;
        Level walnut = levelFor(clamped);
        LoggerContext context = context();
        context.getLogger(WALNUT_LOGGER).setLevel(walnut);
        Level others = walnut.isGreaterOrEqual(Level.WARN) ? walnut : Level.WARN;
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(clamped == MAX_VERBOSITY ? Level.ALL : others);
    }

    public static int verbosity() {
        return verbosity;
    }

    /**
     * Reopens a log file by name (SIGHUP, after logrotate moved it); nothing when logging to stderr. A new
     * appender is attached before the old one is detached and closed, so a line logged meanwhile by another
     * thread lands in the old file, the new one or (in that instant) both, never nowhere.
     */
    public static synchronized void reopen() {
        Logger root = context().getLogger(Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(APPENDER) instanceof FileAppender<ILoggingEvent> old) {
            root.addAppender(started(file(Path.of(old.getFile()))));
            root.detachAppender(old);
            old.stop();
        }
    }

    static Level levelFor(int verbosity) {
        if (verbosity <= 0) {
            return Level.OFF;
        }
        if (verbosity <= 3) {
            return Level.ERROR;
        }
        return switch (verbosity) {
            case 4 -> Level.WARN;
            case 5 -> Level.INFO;
            case 6, 7 -> Level.DEBUG;
            default -> Level.TRACE;
        };
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
