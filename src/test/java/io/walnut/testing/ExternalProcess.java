package io.walnut.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server process started on 127.0.0.1 for a test: its output goes to a file in its own temporary folder, start-up
 * waits (bounded) until its ports accept, and {@link #close()} stops it with SIGTERM, then SIGKILL after a bound. A
 * JVM shutdown hook kills it as a last resort when a test forgets. Its folder is deleted on close unless the system
 * property {@code walnut.test.keepProcessDirs} is {@code true}. One test thread uses an instance.
 */
public abstract class ExternalProcess implements AutoCloseable {
    private static final Duration START_BOUND = Duration.ofSeconds(15);
    private static final Duration STOP_BOUND = Duration.ofSeconds(5);
    /** Shorter, because the JVM's exit waits for its hooks. */
    private static final Duration HOOK_STOP_BOUND = Duration.ofSeconds(1);
    private static final int OUTPUT_TAIL_CHARS = 4000;

    private final String binaryName;
    private final int port;
    private final Path directory;
    private final Path outputFile;
    private Process process;
    private Thread shutdownHook;
    /** Stopped with SIGSTOP and not continued yet: {@link #close()} continues it first. */
    private boolean paused;

    /** Skips the calling test when {@code binaryName} is not installed. */
    protected ExternalProcess(String binaryName, int port) {
        Binaries.require(binaryName);
        this.binaryName = binaryName;
        this.port = port;
        try {
            this.directory = Files.createTempDirectory("walnut-" + binaryName + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.outputFile = directory.resolve("output.log");
    }

    /** The full command line, {@code binary} first. May write files into {@link #directory()}. */
    protected abstract List<String> command(Path binary) throws IOException;

    /** The ports that must accept connections before the process counts as started. */
    protected List<Integer> readinessPorts() {
        return List.of(port);
    }

    /** Starts the process and waits until it accepts; on any failure it is stopped and the output reported. */
    protected final void launch() {
        try {
            ProcessBuilder builder = new ProcessBuilder(command(Binaries.require(binaryName)))
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(outputFile.toFile());
            process = builder.start();
            process.getOutputStream().close();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start " + binaryName, e);
        }
        Process started = process;
        shutdownHook = new Thread(() -> stop(started, HOOK_STOP_BOUND), "stop " + binaryName + " " + started.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            awaitReadiness();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The main port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** This process's own temporary folder, which holds its output file. */
    public Path directory() {
        return directory;
    }

    /** The file that holds what the process wrote to stdout and stderr. */
    public Path outputFile() {
        return outputFile;
    }

    /** What the process wrote to stdout and stderr so far, plus anything a subclass adds, for failure messages. */
    public String diagnostics() {
        return binaryName + " output:\n" + tail(outputFile);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Freezes the process (SIGSTOP): the kernel still accepts its connections, but it reads nothing. */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** Lets a paused process run again (SIGCONT). */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Kills the process at once (SIGKILL) and waits, bounded, until it is gone; {@link #close()} is still due. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(binaryName + " survived SIGKILL for " + STOP_BOUND);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + binaryName, e);
        }
        paused = false;
    }

    /** Sends the signal named {@code name} ({@code STOP}, {@code CONT}, ...) with kill(1), bounded. */
    public void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + binaryName, e);
        }
    }

    @Override
    public void close() {
        if (process != null && paused && process.isAlive()) {
            resume(); // a stopped process would not act on SIGTERM until continued
        }
        if (process != null) {
            stop(process, STOP_BOUND);
        }
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or will run; nothing to undo
            }
            shutdownHook = null;
        }
        if (!Boolean.getBoolean("walnut.test.keepProcessDirs")) {
            deleteRecursively(directory);
        }
    }

    /** The last few thousand characters of a text file, or a note that it cannot be read. */
    protected static String tail(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            return text.length() <= OUTPUT_TAIL_CHARS ? text : "..." + text.substring(text.length() - OUTPUT_TAIL_CHARS);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private void awaitReadiness() {
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        List<Integer> waiting = new ArrayList<>(readinessPorts());
        while (!waiting.isEmpty()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(binaryName + " exited with status " + process.exitValue()
                        + " before accepting on " + waiting + "\n" + diagnostics());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(binaryName + " did not accept on " + waiting + " within "
                        + START_BOUND + "\n" + diagnostics());
            }
            waiting.removeIf(ExternalProcess::accepts);
            if (!waiting.isEmpty()) {
                sleep(Duration.ofMillis(20));
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, then SIGKILL if it is still running after {@code bound}. */
    private static void stop(Process process, Duration bound) {
        process.destroy();
        try {
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a process", e);
        }
    }

    /** Deletes a temporary folder and all it holds, ignoring what cannot be deleted. */
    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
