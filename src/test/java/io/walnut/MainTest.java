package io.walnut;

import io.walnut.config.ProxyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    private static final String POOL = "alpha:\n  listen: 127.0.0.1:22121\n  servers:\n   - 127.0.0.1:6379:1\n";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<LaunchOptions> launched = new ArrayList<>();
    private final List<ProxyConfig> configs = new ArrayList<>();
    private int proxyExitCode = 0;

    private int run(String... args) {
        Main main = new Main(new PrintStream(stderr, true, StandardCharsets.UTF_8), (options, config) -> {
            launched.add(options);
            configs.add(config);
            return proxyExitCode;
        });
        return main.run(args);
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private Path write(String name, String yaml) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, yaml);
        return file;
    }

    @AfterEach
    void restoreLogging() throws IOException {
        Logging.configure(5, null);
    }

    @Test
    void versionPrintsTwoLinesAndABlankLine() {
        assertThat(run("-V")).isZero();
        assertThat(err()).matches("This is walnut-\\S+\nasync event backend: (epoll|nio)\n\n");
    }

    @Test
    void helpIsVersionThenNutcrackersUsage() {
        assertThat(run("--help")).isZero();
        assertThat(err()).isEqualTo(HelpText.versionLines() + HelpText.usage());
        assertThat(HelpText.usage()).startsWith("Usage: walnut [-?hVdDt] [-v verbosity level] [-o output file]\r\n")
                .contains("  -c, --conf-file=S      : set configuration file (default: conf/nutcracker.yml)\r\n")
                .contains("  -D, --describe-stats   : print stats description and exit\n")
                .contains("(default: stderr)", "(default: off)", "(default: 16384 bytes)")
                .endsWith("\r\n\n");
    }

    @Test
    void describeStatsPrintsNutcrackersTable() {
        assertThat(run("-D")).isZero();
        assertThat(err()).isEqualTo(HelpText.versionLines() + HelpText.statsDescription());
        assertThat(HelpText.statsDescription())
                .startsWith("pool stats:\n  client_eof          \"# eof on client connections\"\n")
                .contains("\n\nserver stats:\n  server_eof          \"# eof on server connections\"\n")
                .contains("  server_ejected_at   \"timestamp when server was ejected in usec since epoch\"\n")
                .endsWith("  out_queue_bytes     \"current request bytes in outgoing queue\"\n");
        assertThat(HelpText.statsDescription().lines()).hasSize(22);
    }

    @Test
    void infoFlagsWinOverTestConfAndPrintVersionOnce() {
        assertThat(run("-t", "-h", "-V", "-D", "-c", dir.resolve("missing.yml").toString())).isZero();
        assertThat(err()).isEqualTo(HelpText.versionLines() + HelpText.usage() + HelpText.statsDescription());
    }

    @Test
    void testConfAcceptsAValidFile() throws IOException {
        Path file = write("ok.yml", POOL);

        assertThat(run("-t", "-c", file.toString())).isZero();
        assertThat(err()).isEqualTo("walnut: configuration file '" + file + "' syntax is ok\n");
        assertThat(launched).isEmpty();
    }

    @Test
    void testConfExplainsAnInvalidFile() throws IOException {
        Path file = write("bad.yml", POOL + "  hash: md4\n");

        assertThat(run("--test-conf", "--conf-file", file.toString())).isEqualTo(1);
        assertThat(err()).startsWith("walnut: conf: directive \"hash\" is not a valid hash (" + file + ":5: ")
                .endsWith("\nwalnut: configuration file '" + file + "' syntax is invalid\n");
    }

    @Test
    void aBadOptionPrintsTheReasonAndUsage() {
        assertThat(run("-s", "70000")).isEqualTo(1);
        assertThat(err()).isEqualTo("walnut: option -s value 70000 is not a valid port\n" + HelpText.usage());
    }

    @Test
    void startLoadsTheConfigWritesThePidFileAndRunsTheProxy() throws IOException {
        Path file = write("ok.yml", POOL);
        Path pid = dir.resolve("walnut.pid");
        Path log = dir.resolve("walnut.log");
        List<String> pidSeen = new ArrayList<>();
        Main main = new Main(new PrintStream(stderr, true, StandardCharsets.UTF_8), (options, config) -> {
            launched.add(options);
            configs.add(config);
            pidSeen.add(readQuietly(pid));
            return 3;
        });

        assertThat(main.run("-c", file.toString(), "-p", pid.toString(), "-o", log.toString(), "-v", "6")).isEqualTo(3);

        assertThat(launched).singleElement().satisfies(options -> {
            assertThat(options.confFile()).isEqualTo(file);
            assertThat(options.verbosity()).isEqualTo(6);
            assertThat(options.logFile()).isEqualTo(log);
        });
        assertThat(configs.get(0).pools()).hasSize(1);
        assertThat(pidSeen).containsExactly(Long.toString(ProcessHandle.current().pid()));
        assertThat(pid).as("removed after a normal shutdown").doesNotExist();
        assertThat(Logging.verbosity()).isEqualTo(6);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void startWithAnInvalidConfigLogsTheReasonAndExits1() throws IOException {
        Path file = write("bad.yml", POOL + "  redis: yes\n");
        Path log = dir.resolve("walnut.log");

        assertThat(run("-c", file.toString(), "-o", log.toString())).isEqualTo(1);

        assertThat(err()).isEqualTo("walnut: configuration file '" + file + "' syntax is invalid\n");
        assertThat(Files.readString(log))
                .matches("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}] Main conf: directive \"redis\" is not"
                        + " \"true\" or \"false\" \\(.*\\)\n");
        assertThat(launched).isEmpty();
    }

    @Test
    void anUnopenableLogFileFailsLikeNutcracker() {
        Path log = dir.resolve("no-such-dir").resolve("walnut.log");

        assertThat(run("-o", log.toString())).isEqualTo(1);
        assertThat(err()).startsWith("opening log file '" + log + "' failed: ");
    }

    @Test
    void aProxyFailureIsLoggedAndExits1() throws IOException {
        Path file = write("ok.yml", POOL);
        Path log = dir.resolve("w.log");
        Main main = new Main(new PrintStream(stderr, true, StandardCharsets.UTF_8), (options, config) -> {
            throw new IllegalStateException("boom");
        });

        assertThat(main.run("-c", file.toString(), "-o", log.toString())).isEqualTo(1);
        assertThat(Files.readString(log)).contains("Main walnut stopped on an unexpected error", "boom");
    }

    @Test
    void anUnwritablePidFileFailsBeforeTheProxyStarts() throws IOException {
        Path file = write("ok.yml", POOL);
        Path pid = dir.resolve("no-such-dir").resolve("walnut.pid");

        assertThat(run("-c", file.toString(), "-p", pid.toString(), "-o", dir.resolve("w.log").toString()))
                .isEqualTo(1);
        assertThat(launched).isEmpty();
    }
}
