package io.walnut.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged {@code walnut} command ({@code target/walnut.jar}, built by {@code package} before failsafe runs)
 * as a real process: {@code java -jar walnut.jar -c <conf> -s <stats port> -a 127.0.0.1}, with Netty's leak
 * detector at paranoid as in the tests' own JVM. {@link #port()} is the stats port. Start-up waits (bounded) until
 * the stats port and the pool ports the caller names accept; {@link #close()} sends SIGTERM, then SIGKILL.
 * Tests that need the jar are skipped when it has not been built.
 */
public final class WalnutProcess extends ProxyProcess {
    private static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=paranoid");

    private WalnutProcess(String yaml, int[] listenPorts, List<String> extraArgs) {
        super("java", yaml, listenPorts, extraArgs);
    }

    /** walnut running {@code yaml}, once every port in {@code listenPorts} accepts. */
    public static WalnutProcess start(String yaml, int... listenPorts) {
        return start(yaml, List.of(), listenPorts);
    }

    /** As {@link #start(String, int...)}, with more command-line arguments such as {@code "--threads", "2"}. */
    public static WalnutProcess start(String yaml, List<String> extraArgs, int... listenPorts) {
        jar();
        WalnutProcess walnut = new WalnutProcess(yaml, listenPorts, extraArgs);
        walnut.launch();
        return walnut;
    }

    /** The built jar; the calling test is skipped when it does not exist yet. */
    public static Path jar() {
        Path jar = Path.of("target", "walnut.jar").toAbsolutePath();
        Assumptions.assumeTrue(Files.isRegularFile(jar), () -> jar + " is not built (run mvn package first)");
        return jar;
    }

    /** The outcome of a walnut run that ends by itself, such as {@code -t}. */
    public record Exit(int status, String output) {
    }

    /** Runs {@code walnut args...} to its end within {@code bound}; killed and failed if it takes longer. */
    public static Exit run(Duration bound, String... args) {
        Path output = null;
        Process process = null;
        try {
            output = Files.createTempFile("walnut-run-", ".log");
            List<String> command = javaCommand();
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("walnut " + String.join(" ", args) + " did not end within " + bound);
            }
            return new Exit(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running walnut", e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** All the process printed so far (stdout and stderr, where walnut logs without {@code -o}). */
    public String output() {
        try {
            return Files.readString(outputFile(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected List<String> command(Path binary) throws IOException {
        Path config = writeConfig("walnut.yml");
        List<String> command = javaCommand();
        command.addAll(List.of("-c", config.toString(), "-s", Integer.toString(statsPort()), "-a", "127.0.0.1"));
        // No JIT warm-up unless a test asks for one (extra arguments come later and win): it only delays start.
        command.addAll(List.of("--warmup-ms", "0"));
        command.addAll(TransportUnderTest.arguments());
        command.addAll(extraArgs());
        return command;
    }

    /** This JVM's own java, so the process runs on the JDK the build uses. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", jar().toString()));
        return command;
    }
}
