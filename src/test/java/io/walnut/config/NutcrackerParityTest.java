package io.walnut.config;

import io.walnut.InstalledNutcracker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Runs the installed nutcracker on the same files as Walnut: it must accept and reject the same ones, and log
 * the same message when it rejects. Skipped where nutcracker is not installed.
 */
class NutcrackerParityTest {

    private static Path nutcracker;

    @TempDir
    Path dir;

    @BeforeAll
    static void findNutcracker() {
        nutcracker = InstalledNutcracker.find();
    }

    static Stream<Arguments> invalidFiles() {
        return Stream.of(ConfigRejectionTest.documents(), ConfigRejectionTest.tokens(), ConfigRejectionTest.syntax(),
                        ConfigRejectionTest.structure(), ConfigRejectionTest.emptyScalars(), ConfigRejectionTest.keys(),
                        ConfigRejectionTest.pools(), ConfigRejectionTest.listen(), ConfigRejectionTest.servers())
                .flatMap(rows -> rows)
                .map(row -> arguments(row.get()[0], row.get()[1]));
    }

    static Stream<Arguments> validFiles() throws IOException {
        String pool = ConfigRejectionTest.POOL;
        return Stream.of(
                arguments("twemproxy-sample", resource("twemproxy-sample.yml")),
                arguments("every-key", resource("every-key.yml")),
                arguments("quoted-and-commented", resource("quoted-and-commented.yml")),
                arguments("names-and-sockets", resource("names-and-sockets.yml")),
                arguments("repository example", Files.readString(Path.of("conf/nutcracker.yml"))),
                arguments("timeout wraps to 1", pool + "  timeout: 4294967297\n"),
                arguments("permission 0999 reads as 0",
                        pool.replace("127.0.0.1:22121", "/tmp/walnut-parity.sock 0999")),
                arguments("permission +600", pool.replace("127.0.0.1:22121", "/tmp/walnut-parity.sock +600")),
                arguments("permission wraps in mode_t",
                        pool.replace("127.0.0.1:22121", "/tmp/walnut-parity.sock 100000000000")),
                arguments("list under listen, one scalar server",
                        "alpha:\n  listen:\n   - 127.0.0.1:22121\n  servers: 127.0.0.1:6379:1\n"),
                arguments("same address, two names", pool.replace(":1\n", ":1 a\n") + "   - 127.0.0.1:6379:1 b\n"),
                arguments("literal block without newline", pool.replace("- 127.0.0.1:6379:1", "- |-\n     127.0.0.1:6379:1")),
                arguments("explicit scalar key", "? alpha\n:\n  listen: 127.0.0.1:22121\n  servers:\n   - 127.0.0.1:6379:1\n"),
                arguments("hash tag of one two-byte character", pool + "  hash_tag: \"\u00e9\"\n"));
    }

    private static String resource(String name) throws IOException {
        return Files.readString(ConfigLoaderTest.resource(name));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFiles")
    void bothAccept(String name, String yaml) throws Exception {
        assumeTrue(nutcracker != null, "nutcracker is not installed");
        Path file = write(yaml);

        assertThat(nutcrackerTest(file)).as("nutcracker -t").isZero();
        ConfigLoader.load(file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void bothRejectWithTheSameMessage(String name, String yaml) throws Exception {
        assumeTrue(nutcracker != null, "nutcracker is not installed");
        Path file = write(yaml);

        assertThat(nutcrackerTest(file)).as("nutcracker -t").isEqualTo(1);
        String expected = nutcrackerReason(file);
        assertThat(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)))
                .as("Walnut rejects it").isNotNull()
                .extracting(ConfigException::twemproxyMessage).isEqualTo(expected);
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("parity.yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    private static int nutcrackerTest(Path file) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(nutcracker.toString(), "-t", "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nutcracker -t did not finish");
        }
        return process.exitValue();
    }

    /** nutcracker's last {@code conf:} log line when started on the file (it exits at once), or "". */
    private String nutcrackerReason(Path file) throws IOException, InterruptedException {
        Path log = dir.resolve("nutcracker.log");
        Files.deleteIfExists(log);
        Process process = new ProcessBuilder(nutcracker.toString(), "-c", file.toString(), "-o", log.toString(),
                "-a", "127.0.0.1", "-s", "39987").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("nutcracker started on a file it should reject");
        }
        List<String> reasons = Files.readAllLines(log).stream()
                .filter(line -> line.contains(" conf: "))
                .map(line -> line.substring(line.indexOf("conf: ")))
                .toList();
        return reasons.isEmpty() ? "" : reasons.get(reasons.size() - 1);
    }
}
