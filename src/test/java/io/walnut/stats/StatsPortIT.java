package io.walnut.stats;


import io.walnut.LaunchOptions;
import io.walnut.Walnut;
import io.walnut.config.ConfigLoader;
import io.walnut.core.Transport;
import io.walnut.core.WriteBatching;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import io.walnut.testing.StatsDocument;
import io.walnut.testing.TransportUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.walnut.testing.StatsDocument.number;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every twemproxy counter, provoked through a real proxy and read back from the real stats port over a socket,
 * plus the document's shape compared with nutcracker's on the same config.
 */
class StatsPortIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final Duration STATS_BOUND = Duration.ofSeconds(10);
    private static final int WARM_UP_MS = 500;

    @TempDir
    Path dir;

    /**
     * Walnut on {@code yaml} with two event loops, stats (and metrics, when asked) on free loopback ports, after a
     * short JIT warm-up: the counters the tests read must show none of it.
     */
    static Walnut start(Path dir, String yaml, boolean metrics) throws Exception {
        Path conf = dir.resolve("walnut.yml");
        Files.writeString(conf, yaml);
        Transport transport = TransportUnderTest.get();
        LaunchOptions options = new LaunchOptions(conf, 5, null, FreePorts.loopback(), "127.0.0.1", 30000, null,
                16384, false, 2, transport.defaultBatchWindowMicros(), WriteBatching.DEFAULT_REPLY_HOLD_MICROS,
                metrics ? FreePorts.loopback() : 0,
                "127.0.0.1", WARM_UP_MS, transport);
        return Walnut.start(options, ConfigLoader.load(conf));
    }

    /** Reads the stats until {@code ready} holds or the bound passes; the caller asserts on what it returns. */
    static Map<String, Object> awaitStats(int port, Predicate<Map<String, Object>> ready) {
        long deadline = System.nanoTime() + STATS_BOUND.toNanos();
        Map<String, Object> doc = StatsDocument.read(port, STATS_BOUND);
        while (!ready.test(doc) && System.nanoTime() < deadline) {
            sleep(20);
            doc = StatsDocument.read(port, STATS_BOUND);
        }
        return doc;
    }

    @Test
    void trafficAndClientCountersAddUpOverEventLoops() throws Exception {
        try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start()) {
            int solo = FreePorts.loopback();
            int split = FreePorts.loopback();
            String soloServer = "127.0.0.1:" + r1.port();
            String yaml = "solo:\n  listen: 127.0.0.1:" + solo + "\n  redis: true\n  servers:\n   - " + soloServer
                    + ":1\n"
                    + "split:\n  listen: 127.0.0.1:" + split + "\n  redis: true\n  hash: md5\n"
                    + "  distribution: modula\n  servers:\n   - 127.0.0.1:" + r1.port() + ":1 one\n   - 127.0.0.1:"
                    + r2.port() + ":1 two\n";
            try (Walnut walnut = start(dir, yaml, false)) {
                int stats = walnut.statsPort();
                long requestBytes = 0;
                try (RespClient c1 = RespClient.connect(solo); RespClient c2 = RespClient.connect(solo)) {
                    for (int i = 0; i < 5; i++) {
                        requestBytes += RespClient.encode(b("SET"), b("a:" + i), b("v")).length;
                        assertThat(c1.call(T, "SET", "a:" + i, "v")).isEqualTo("OK");
                    }
                    for (int i = 0; i < 3; i++) {
                        requestBytes += RespClient.encode(b("SET"), b("b:" + i), b("v")).length;
                        assertThat(c2.call(T, "SET", "b:" + i, "v")).isEqualTo("OK");
                    }
                    requestBytes += RespClient.encode(b("GET"), b("a:0")).length;
                    assertThat(c2.call(T, "GET", "a:0")).isEqualTo(b("v"));

                    Map<String, Object> doc = StatsDocument.read(stats, STATS_BOUND);
                    assertThat(number(doc, "solo", soloServer, "requests")).isEqualTo(9);
                    assertThat(number(doc, "solo", soloServer, "request_bytes")).isEqualTo(requestBytes);
                    assertThat(number(doc, "solo", soloServer, "responses")).isEqualTo(9);
                    assertThat(number(doc, "solo", soloServer, "response_bytes")).as("8 × +OK, one $1 v")
                            .isEqualTo(8 * 5 + 7);
                    assertThat(number(doc, "solo", soloServer, "server_connections")).as("one per event loop")
                            .isEqualTo(2);
                    assertThat(number(doc, "solo", "client_connections")).isEqualTo(2);
                    for (String gauge : List.of("in_queue", "in_queue_bytes", "out_queue", "out_queue_bytes")) {
                        assertThat(number(doc, "solo", soloServer, gauge)).as(gauge).isZero();
                    }
                    c2.close();
                    doc = awaitStats(stats, d -> number(d, "solo", "client_eof") == 1);
                    assertThat(number(doc, "solo", "client_eof")).isEqualTo(1);
                    assertThat(number(doc, "solo", "client_connections")).isEqualTo(1);
                    assertThat(number(doc, "solo", "client_err")).isZero();

                    sendInlineAndAwaitClose(solo);
                    doc = awaitStats(stats, d -> number(d, "solo", "client_err") == 1);
                    assertThat(number(doc, "solo", "client_err")).as("an inline command is a protocol error")
                            .isEqualTo(1);
                    assertThat(number(doc, "solo", "client_eof")).isEqualTo(1);
                    assertThat(number(doc, "curr_connections")).as("2 listeners, c1, 2 server connections")
                            .isEqualTo(5);
                    assertThat(number(doc, "total_connections")).as("plus the two clients that left").isEqualTo(7);
                    assertThat(number(doc, "solo", "fragments")).isZero();
                }
                try (RespClient direct = RespClient.connect(r1.port())) {
                    assertThat(direct.call(T, "DBSIZE")).as("the warm-up wrote nothing to a real server")
                            .isEqualTo(8L);
                }
                try (RespClient c = RespClient.connect(split)) {
                    String[] mget = new String[21];
                    mget[0] = "MGET";
                    for (int i = 1; i <= 20; i++) {
                        mget[i] = "key:" + i;
                    }
                    assertThat(c.call(T, mget)).asList().hasSize(20);
                    Map<String, Object> doc = StatsDocument.read(stats, STATS_BOUND);
                    long one = number(doc, "split", "one", "requests");
                    long two = number(doc, "split", "two", "requests");
                    assertThat(number(doc, "split", "fragments")).as("one fragment per server holding keys")
                            .isEqualTo(2).isEqualTo(one + two);
                    assertThat(number(doc, "split", "one", "responses") + number(doc, "split", "two", "responses"))
                            .isEqualTo(2);
                }
            }
        }
    }

    @Test
    void serverFailuresQueuesAndEjectionsAreCounted() throws Exception {
        try (FakeServer silent = FakeServer.start(FakeServer.Mode.SILENT);
             FakeServer pending = FakeServer.start(FakeServer.Mode.NEVER_ACCEPTS);
             FakeServer slow = FakeServer.start(FakeServer.Mode.SILENT);
             FakeServer closing = FakeServer.start(FakeServer.Mode.CLOSE_AFTER_READ)) {
            int dead = FreePorts.loopback();
            int deadA = FreePorts.loopback();
            int deadB = FreePorts.loopback();
            int[] listen = new int[6];
            for (int i = 0; i < listen.length; i++) {
                listen[i] = FreePorts.loopback();
            }
            String yaml = pool("stuck", listen[0], "", silent.port())
                    + pool("pending", listen[1], "", pending.port())
                    + pool("slow", listen[2], "  timeout: 300\n", slow.port())
                    + pool("closing", listen[3], "", closing.port())
                    + pool("refused", listen[4], "", dead)
                    + pool("ejecting", listen[5], "  auto_eject_hosts: true\n  server_failure_limit: 1\n"
                            + "  server_retry_timeout: 600000\n", deadA, deadB);
            long getBytes = RespClient.encode(b("GET"), b("k")).length;
            try (Walnut walnut = start(dir, yaml, false);
                 RespClient toStuck = RespClient.connect(listen[0]);
                 RespClient toPending = RespClient.connect(listen[1])) {
                int stats = walnut.statsPort();
                String stuck = "127.0.0.1:" + silent.port();
                toStuck.send("GET", "k");
                Map<String, Object> doc = awaitStats(stats, d -> number(d, "stuck", stuck, "out_queue") == 1);
                assertThat(number(doc, "stuck", stuck, "out_queue")).isEqualTo(1);
                assertThat(number(doc, "stuck", stuck, "out_queue_bytes")).isEqualTo(getBytes);
                assertThat(number(doc, "stuck", stuck, "in_queue")).isZero();
                assertThat(number(doc, "stuck", stuck, "requests")).isEqualTo(1);
                assertThat(number(doc, "stuck", stuck, "responses")).isZero();
                assertThat(number(doc, "stuck", stuck, "server_connections")).isEqualTo(1);

                String waiting = "127.0.0.1:" + pending.port();
                toPending.send("GET", "k");
                doc = awaitStats(stats, d -> number(d, "pending", waiting, "in_queue") == 1);
                assertThat(number(doc, "pending", waiting, "in_queue")).as("the connect is still pending")
                        .isEqualTo(1);
                assertThat(number(doc, "pending", waiting, "in_queue_bytes")).isEqualTo(getBytes);
                assertThat(number(doc, "pending", waiting, "out_queue")).isZero();
                assertThat(number(doc, "pending", waiting, "server_connections")).isZero();

                assertFailure(stats, listen[2], "slow", "127.0.0.1:" + slow.port(), "server_timedout",
                        "ERR Connection timed out");
                assertFailure(stats, listen[3], "closing", "127.0.0.1:" + closing.port(), "server_eof", null);
                assertFailure(stats, listen[4], "refused", "127.0.0.1:" + dead, "server_err",
                        "ERR Connection refused");

                long before = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                try (RespClient c = RespClient.connect(listen[5])) {
                    assertThat(c.call(T, "GET", "k")).isEqualTo(new RespClient.Error("ERR Connection refused"));
                }
                long after = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                doc = StatsDocument.read(stats, STATS_BOUND);
                assertThat(number(doc, "ejecting", "server_ejects")).isEqualTo(1);
                String a = "127.0.0.1:" + deadA;
                String bName = "127.0.0.1:" + deadB;
                String hit = number(doc, "ejecting", a, "requests") == 1 ? a : bName;
                String other = hit.equals(a) ? bName : a;
                assertThat(number(doc, "ejecting", hit, "server_ejected_at")).isBetween(before, after);
                assertThat(number(doc, "ejecting", other, "server_ejected_at")).isZero();
                assertThat(number(doc, "ejecting", hit, "server_err")).isEqualTo(1);
            }
        }
    }

    /** One GET through {@code port} fails with {@code error} (any error when null), counted under {@code metric}. */
    private static void assertFailure(int stats, int port, String pool, String server, String metric, String error) {
        try (RespClient c = RespClient.connect(port)) {
            Object reply = c.call(T, "GET", "k");
            if (error == null) {
                assertThat(reply).isInstanceOf(RespClient.Error.class);
            } else {
                assertThat(reply).isEqualTo(new RespClient.Error(error));
            }
        }
        Map<String, Object> doc = StatsDocument.read(stats, STATS_BOUND);
        assertThat(number(doc, pool, server, metric)).as(pool + " " + metric).isEqualTo(1);
        assertThat(number(doc, pool, "forward_error")).as(pool + " forward_error").isEqualTo(1);
        assertThat(number(doc, pool, server, "server_connections")).as(pool + " closed").isZero();
        for (String m : List.of("server_eof", "server_err", "server_timedout")) {
            if (!m.equals(metric)) {
                assertThat(number(doc, pool, server, m)).as(pool + " " + m).isZero();
            }
        }
    }

    @Test
    void theDocumentIsShapedAsNutcrackersOnTheSameConfig() throws Exception {
        int[] listen = {FreePorts.loopback(), FreePorts.loopback(), FreePorts.loopback()};
        int d1 = FreePorts.loopback();
        int d2 = FreePorts.loopback();
        String yaml = "gamma:\n  listen: 127.0.0.1:" + listen[0] + "\n  redis: true\n  servers:\n"
                + "   - 127.0.0.1:" + d2 + ":1\n   - 127.0.0.1:" + d1 + ":1\n   - 127.0.0.1:11211:1\n"
                + "   - 127.0.0.1:" + d1 + ":1 zed\n"
                + "alpha:\n  listen: 127.0.0.1:" + listen[1] + "\n  redis: true\n  servers:\n"
                + "   - 127.0.0.1:" + d1 + ":1 b\n   - 127.0.0.1:" + d2 + ":1 a\n"
                + "beta:\n  listen: 127.0.0.1:" + listen[2] + "\n  redis: true\n  servers:\n"
                + "   - 127.0.0.1:" + d1 + ":2\n";
        String theirs;
        try (NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml, listen)) {
            theirs = StatsDocument.fetch(nutcracker.statsPort(), STATS_BOUND);
        }
        String ours;
        try (Walnut walnut = start(dir, yaml, false)) {
            ours = StatsDocument.fetch(walnut.statsPort(), STATS_BOUND);
        }
        assertThat(shape(StatsDocument.parse(ours))).isEqualTo(shape(StatsDocument.parse(theirs)));
        assertThat(new ArrayList<>(StatsDocument.parse(ours).keySet()).subList(7, 10))
                .as("pools in twemproxy's order").containsExactly("beta", "alpha", "gamma");
        assertThat(withoutNumbers(ours)).isEqualTo(withoutNumbers(theirs));
    }

    /** Every key path in order, with its value's type. */
    @SuppressWarnings("unchecked")
    private static List<String> shape(Map<String, Object> node) {
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, Object> e : node.entrySet()) {
            if (e.getValue() instanceof Map) {
                paths.add(e.getKey() + " {");
                for (String inner : shape((Map<String, Object>) e.getValue())) {
                    paths.add(e.getKey() + "/" + inner);
                }
            } else {
                paths.add(e.getKey() + " " + e.getValue().getClass().getSimpleName());
            }
        }
        return paths;
    }

    /**
     * The raw bytes with every number zeroed; names, order and separators must match exactly. Values differ:
     * nutcracker's lag an aggregation interval (the fixture's readiness probes still show as open clients).
     */
    private static String withoutNumbers(String doc) {
        return doc.replaceAll("\":-?\\d+", "\":0");
    }

    private static String pool(String name, int listen, String extra, int... serverPorts) {
        StringBuilder b = new StringBuilder(name + ":\n  listen: 127.0.0.1:" + listen + "\n  redis: true\n" + extra
                + "  servers:\n");
        for (int port : serverPorts) {
            b.append("   - 127.0.0.1:").append(port).append(":1\n");
        }
        return b.toString();
    }

    /** Sends an inline PING, which Walnut answers with an error before closing; waits (bounded) for the close. */
    private static void sendInlineAndAwaitClose(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout((int) T.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = in.readAllBytes();
            assertThat(new String(reply, StandardCharsets.US_ASCII)).startsWith("-ERR");
        }
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
