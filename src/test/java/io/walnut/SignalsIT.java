package io.walnut;

import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * nutcracker's signals on a real {@code java -jar target/walnut.jar} process logging to a file (reference 2.2):
 * SIGHUP reopens the log after a rename, SIGTTIN/SIGTTOU move the level, SIGUSR1 is logged, SIGINT and SIGTERM
 * close cleanly. Also: at the default level, traffic writes no log line.
 */
class SignalsIT {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void hupReopensTheLogFileAndLevelSignalsMoveTheLevel() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            int listen = FreePorts.loopback();
            try (WalnutJar walnut = WalnutJar.start(dir, "alpha:\n  listen: 127.0.0.1:" + listen
                    + "\n  redis: true\n  servers:\n   - 127.0.0.1:" + redis.port() + ":1\n")) {
                Path log = walnut.log;
                String atStart = awaitLine(log, "started on pid " + walnut.pid());
                assertThat(atStart).contains("pool 'alpha' listening on 127.0.0.1:" + listen)
                        .contains("configuration '" + dir.resolve("walnut.yml") + "' loaded: 1 pool(s)");
                try (RespClient client = RespClient.connect(listen)) {
                    for (int i = 0; i < 30; i++) {
                        assertThat(client.call(T, "SET", "k" + i, "v")).isEqualTo("OK");
                    }
                }
                assertThat(Files.readString(log)).as("no line per request or connection at level 5")
                        .isEqualTo(atStart);

                Path rotated = dir.resolve("walnut.log.1");
                Files.move(log, rotated);
                walnut.signal("HUP");
                awaitLine(rotated, "signal 1 (SIGHUP) received, reopening log file");
                awaitFile(log);
                walnut.signal("USR1");
                String reopened = awaitLine(log, "signal 10 (SIGUSR1) received");
                assertThat(reopened).doesNotContain("started on pid");
                assertThat(Files.readString(rotated)).contains("started on pid").doesNotContain("SIGUSR1");

                walnut.signal("TTIN");
                awaitLine(log, "signal 21 (SIGTTIN) received, up logging level");
                awaitLine(log, "up log level to 6");
                walnut.signal("TTOU");
                awaitLine(log, "signal 22 (SIGTTOU) received, down logging level");
                awaitLine(log, "down log level to 5");

                walnut.signal("TERM");
                assertThat(walnut.awaitExit()).as("SIGTERM closes cleanly").isZero();
                assertThat(Files.readString(log)).contains("signal 15 (SIGTERM) received, exiting");
                assertThat(walnut.pidFile).as("removed on the way out").doesNotExist();
            }
        }
    }

    @Test
    void intExitsOneAsNutcrackerDoes() throws Exception {
        try (WalnutJar walnut = WalnutJar.start(dir, "alpha:\n  listen: 127.0.0.1:" + FreePorts.loopback()
                + "\n  redis: true\n  servers:\n   - 127.0.0.1:" + FreePorts.loopback() + ":1\n")) {
            awaitLine(walnut.log, "started on pid");
            assertThat(walnut.pidFile).hasContent(Long.toString(walnut.pid()));

            walnut.signal("INT");

            assertThat(walnut.awaitExit()).isEqualTo(1);
            assertThat(Files.readString(walnut.log)).contains("signal 2 (SIGINT) received, exiting");
            assertThat(walnut.pidFile).doesNotExist();
        }
    }

    /** Waits (bounded) until {@code file} contains {@code text}; returns the file's content. */
    private static String awaitLine(Path file, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BOUND.toNanos();
        String content = Files.exists(file) ? Files.readString(file) : "";
        while (!content.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            content = Files.exists(file) ? Files.readString(file) : "";
        }
        assertThat(content).as(file.toString()).contains(text);
        return content;
    }

    private static void awaitFile(Path file) {
        Await.until(BOUND, () -> Files.exists(file), file + " exists");
    }

    /** {@code java -jar target/walnut.jar} with a log file, pid file and stats port; closing it kills it. */
    private static final class WalnutJar implements AutoCloseable {
        final Process process;
        final Path log;
        final Path pidFile;

        private WalnutJar(Process process, Path log, Path pidFile) {
            this.process = process;
            this.log = log;
            this.pidFile = pidFile;
        }

        static WalnutJar start(Path dir, String yaml) throws IOException, InterruptedException {
            Path jar = Path.of("target", "walnut.jar");
            assertThat(jar).as("built by the package phase").exists();
            Path conf = dir.resolve("walnut.yml");
            Files.writeString(conf, yaml);
            Path log = dir.resolve("walnut.log");
            Path pid = dir.resolve("walnut.pid");
            int stats = FreePorts.loopback();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(),
                    "-c", conf.toString(), "-o", log.toString(), "-p", pid.toString(), "-s", Integer.toString(stats),
                    "-a", "127.0.0.1", "--threads", "1"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.txt").toFile()).start();
            WalnutJar walnut = new WalnutJar(p, log, pid);
            try {
                walnut.awaitAccepting(stats);
            } catch (RuntimeException | Error e) {
                walnut.close();
                throw e;
            }
            return walnut;
        }

        long pid() {
            return process.pid();
        }

        private void awaitAccepting(int port) throws InterruptedException {
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            throw new AssertionError("walnut did not open its stats port " + port + "; log:\n" + read(log));
        }

        void signal(String name) throws IOException, InterruptedException {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
            assertThat(kill.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(kill.exitValue()).as("kill -" + name).isZero();
        }

        int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("exited; log:\n" + read(log))
                    .isTrue();
            return process.exitValue();
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(" + e + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
