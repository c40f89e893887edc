package io.walnut;

import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RespClient;
import io.walnut.testing.StatsDocument;
import io.walnut.testing.WalnutProcess;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged {@code walnut} command as a real process: it serves with {@code -c}, answers {@code -t} with
 * nutcracker's exit codes, and its stats port writes JSON with nutcracker's key tree and counters that add up to
 * the traffic sent. Each run's output is checked for Netty leak reports.
 */
class ProcessIT {
    private static final Duration T = Duration.ofSeconds(10);

    private static String pool(String name, int port, String settings, String servers) {
        return name + ":\n  listen: 127.0.0.1:" + port + "\n" + settings + "  redis: true\n" + servers;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void servesWithAConfigFileAndStopsOnTerm() {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(2)) {
            WalnutProcess walnut = WalnutProcess.start(pool("alpha", port, "", backends.serversYaml()), port);
            try (RespClient c = RespClient.connect(port)) {
                assertThat(c.call(T, "SET", "from-process", "ok")).as(walnut.diagnostics()).isEqualTo("OK");
                assertThat((byte[]) c.call(T, "GET", "from-process")).isEqualTo(bytes("ok"));
                assertThat(c.call(T, "MGET", "from-process", "nothing")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
            } finally {
                walnut.close();
            }
            assertThat(walnut.isAlive()).isFalse();
        }
    }

    /**
     * The JIT warm-up (on by default, off in the other tests) runs before the pools open, against stub servers of
     * its own: the configured servers see nothing of it, the stats count nothing of it, and the proxy then serves.
     * A pool's preconnect comes before the warm-up (so that the start does not send the compiled event loop back
     * to the interpreter) and opens one connection per server, not a second one when the pools open.
     */
    @Test
    void warmsUpBeforeListeningWithoutTouchingTheServersOrTheStats() {
        int redisPort = FreePorts.loopback();
        int memcachePort = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(2); MemcachedProcess memcached = MemcachedProcess.start()) {
            String yaml = pool("alpha", redisPort, "  hash_tag: \"{}\"\n  preconnect: true\n", backends.serversYaml())
                    + "mc:\n  listen: 127.0.0.1:" + memcachePort + "\n  servers:\n   - 127.0.0.1:" + memcached.port()
                    + ":1\n";
            WalnutProcess walnut = WalnutProcess.start(yaml, List.of("--warmup-ms", "5000", "--threads", "1"),
                    redisPort, memcachePort);
            try {
                Matcher warmUp = Pattern.compile("JIT warm-up: (\\d+) requests").matcher(walnut.output());
                assertThat(warmUp.find()).as(walnut.diagnostics()).isTrue();
                assertThat(Long.parseLong(warmUp.group(1))).as("requests sent in the warm-up").isPositive();
                Map<String, Object> stats = StatsDocument.read(walnut.statsPort(), T);
                long clientsGone = 0;
                for (String name : List.of("alpha", "mc")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> pool = (Map<String, Object>) stats.get(name);
                    clientsGone += (Long) pool.get("client_eof") + (Long) pool.get("client_err");
                    pool.values().stream().filter(Map.class::isInstance)
                            .forEach(server -> assertThat(((Map<?, ?>) server).get("requests")).isEqualTo(0L));
                }
                assertThat((Long) stats.get("total_connections") - (Long) stats.get("curr_connections"))
                        .as("connections closed: only the start-up probes, no warm-up connection")
                        .isEqualTo(clientsGone);
                for (int s = 0; s < 2; s++) {
                    try (Jedis direct = backends.direct(s)) {
                        assertThat(direct.dbSize()).as("keys on redis %d", s).isZero();
                        assertThat(direct.clientList().split("\n"))
                                .as("redis %d: the proxy's preconnected connection and this one", s).hasSize(2);
                    }
                }
                try (MemcacheClient direct = MemcacheClient.connect(memcached.port())) {
                    StringBuilder memcachedStats = new StringBuilder(direct.call(T, "stats\r\n"));
                    for (int line = 0; line < 200 && !memcachedStats.toString().endsWith("END\r\n"); line++) {
                        memcachedStats.append(direct.readReply(T));
                    }
                    assertThat(memcachedStats.toString()).contains("STAT cmd_get 0\r\n", "STAT cmd_set 0\r\n");
                }
                try (RespClient c = RespClient.connect(redisPort); MemcacheClient m = MemcacheClient.connect(memcachePort)) {
                    assertThat(c.call(T, "SET", "after-warm-up", "ok")).isEqualTo("OK");
                    assertThat(m.call(T, "set k 0 0 2\r\nok\r\n")).isEqualTo("STORED\r\n");
                }
                assertThat(walnut.output()).doesNotContain("LEAK");
            } finally {
                walnut.close();
            }
        }
    }

    /**
     * A request larger than the memory the proxy may use (the test JVM's 128 MiB) gets a clear error after the
     * replies owed before it, its connection closes, and the proxy goes on serving others.
     */
    @Test
    void aRequestTooLargeForMemoryIsRefusedAndOthersAreServed() throws IOException {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(1);
             WalnutProcess walnut = WalnutProcess.start(pool("alpha", port, "", backends.serversYaml()), port);
             java.net.Socket big = new java.net.Socket("127.0.0.1", port)) {
            big.setSoTimeout(10_000);
            long declared = 300L << 20;
            java.io.OutputStream out = big.getOutputStream();
            out.write(bytes("*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + declared + "\r\n"));
            byte[] chunk = new byte[1 << 20];
            try {
                for (long sent = 0; sent < declared; sent += chunk.length) {
                    out.write(chunk);
                }
            } catch (IOException closedByTheProxy) {
                // expected: the proxy closes the connection once it has answered
            }
            byte[] replies = big.getInputStream().readNBytes(200);
            assertThat(new String(replies, StandardCharsets.UTF_8)).as(walnut.diagnostics())
                    .isEqualTo("+PONG\r\n-ERR request too large for the proxy's memory\r\n");
            try (RespClient other = RespClient.connect(port)) {
                assertThat(other.call(T, "SET", "after", "fine")).isEqualTo("OK");
            }
        }
    }

    @Test
    void testConfExitCodes(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.yml");
        Files.writeString(good, pool("alpha", 22121, "  hash: fnv1a_64\n", "  servers:\n   - 127.0.0.1:6379:1\n"));
        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, pool("alpha", 22121, "  hash: nosuchhash\n", "  servers:\n   - 127.0.0.1:6379:1\n"));

        WalnutProcess.Exit ok = WalnutProcess.run(T, "-t", "-c", good.toString());
        assertThat(ok.status()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("configuration file '" + good + "' syntax is ok");

        WalnutProcess.Exit invalid = WalnutProcess.run(T, "-t", "-c", bad.toString());
        assertThat(invalid.status()).as(invalid.output()).isEqualTo(1);
        assertThat(invalid.output()).contains("configuration file '" + bad + "' syntax is invalid");

        WalnutProcess.Exit missing = WalnutProcess.run(T, "-t", "-c", dir.resolve("missing.yml").toString());
        assertThat(missing.status()).as(missing.output()).isEqualTo(1);
    }

    /** Same config, apart from the ports: the same pools, servers, metric names and value types, in the same order. */
    @Test
    void statsHaveNutcrackersKeyTree() {
        try (RedisBackends backends = RedisBackends.start(3)) {
            String twoServers = "  servers:\n   - 127.0.0.1:" + backends.port(0) + ":1\n   - 127.0.0.1:"
                    + backends.port(1) + ":1\n";
            int[] walnutPorts = {FreePorts.loopback(), FreePorts.loopback()};
            int[] nutcrackerPorts = {FreePorts.loopback(), FreePorts.loopback()};
            try (WalnutProcess walnut = WalnutProcess.start(config(walnutPorts, backends, twoServers), walnutPorts);
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(config(nutcrackerPorts, backends, twoServers),
                         nutcrackerPorts)) {
                for (int i = 0; i < 2; i++) {
                    try (RespClient w = RespClient.connect(walnutPorts[i]);
                         RespClient n = RespClient.connect(nutcrackerPorts[i])) {
                        assertThat(w.call(T, "SET", "shape", "x")).isEqualTo(n.call(T, "SET", "shape", "x"));
                    }
                }
                Map<String, Object> ours = StatsDocument.read(walnut.statsPort(), T);
                Map<String, Object> theirs = StatsDocument.read(nutcracker.statsPort(), T);
                assertThat(shape(ours).toString()).isEqualTo(shape(theirs).toString());
                assertThat(ours.get("service")).isEqualTo("nutcracker").isEqualTo(theirs.get("service"));
                assertThat(ours.get("version")).isEqualTo(theirs.get("version"));
                assertThat(walnut.output()).doesNotContain("LEAK");
            }
        }
    }

    private static String config(int[] ports, RedisBackends backends, String twoServers) {
        return pool("alpha", ports[0], "  hash: fnv1a_64\n  distribution: ketama\n", backends.serversYaml())
                + pool("beta", ports[1], "  hash: md5\n  distribution: modula\n  redis_db: 1\n", twoServers);
    }

    /** The tree with each leaf replaced by its JSON type. */
    private static Object shape(Object value) {
        if (value instanceof Map<?, ?>) {
            Map<Object, Object> shaped = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> shaped.put(k, shape(v)));
            return shaped;
        }
        return value instanceof String ? "string" : "number";
    }

    @Test
    void statsCountWhatWasSent() {
        int port = FreePorts.loopback();
        int sets = 30;
        try (RedisBackends backends = RedisBackends.start(3);
             WalnutProcess walnut = WalnutProcess.start(pool("alpha", port,
                     "  hash: md5\n  distribution: ketama\n", backends.serversYaml()), port)) {
            long[] expectedBytes = new long[3];
            long[] expectedRequests = new long[3];
            long eofBefore;
            try (RespClient c = RespClient.connect(port)) {
                for (int i = 0; i < sets; i++) {
                    assertThat(c.call(T, "SET", "stat:" + i, "value" + i)).isEqualTo("OK");
                }
                List<String> firstKeys = new ArrayList<>();
                for (int s = 0; s < 3; s++) {
                    try (Jedis direct = backends.direct(s)) {
                        for (String key : direct.keys("stat:*")) {
                            expectedRequests[s]++;
                            expectedBytes[s] += RespClient.encode(bytes("SET"), bytes(key), bytes(direct.get(key))).length;
                        }
                        direct.keys("stat:*").stream().findFirst().ifPresent(firstKeys::add);
                    }
                }
                assertThat(expectedRequests[0] + expectedRequests[1] + expectedRequests[2]).isEqualTo(sets);
                Map<String, Object> pool = pool(StatsDocument.read(walnut.statsPort(), T));
                assertThat(pool.get("client_connections")).isEqualTo(1L);
                assertThat(pool.get("fragments")).isEqualTo(0L);
                // The start-up probe's connections have come and gone already.
                eofBefore = (Long) pool.get("client_eof");
                for (int s = 0; s < 3; s++) {
                    Map<String, Object> server = server(pool, s);
                    assertThat(server.get("requests")).as("requests of s%d", s + 1).isEqualTo(expectedRequests[s]);
                    assertThat(server.get("responses")).as("responses of s%d", s + 1).isEqualTo(expectedRequests[s]);
                    assertThat(server.get("request_bytes")).as("request_bytes of s%d", s + 1).isEqualTo(expectedBytes[s]);
                    assertThat(server.get("response_bytes")).as("response_bytes of s%d", s + 1)
                            .isEqualTo(5 * expectedRequests[s]);
                    assertThat(server.get("in_queue")).isEqualTo(0L);
                    assertThat(server.get("out_queue")).isEqualTo(0L);
                }

                // One MGET over two servers: two fragments, one more request and response on each of them.
                assertThat(firstKeys).as("backends holding keys").hasSizeGreaterThanOrEqualTo(2);
                assertThat(c.call(T, "MGET", firstKeys.get(0), firstKeys.get(1))).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
                pool = pool(StatsDocument.read(walnut.statsPort(), T));
                assertThat(pool.get("fragments")).isEqualTo(2L);
                int fragmented = 0;
                for (int s = 0; s < 3; s++) {
                    long extra = (Long) server(pool, s).get("requests") - expectedRequests[s];
                    assertThat(extra).isBetween(0L, 1L);
                    assertThat(server(pool, s).get("responses")).isEqualTo(expectedRequests[s] + extra);
                    fragmented += (int) extra;
                }
                assertThat(fragmented).isEqualTo(2);
            }
            Await.until(T, () -> {
                Map<String, Object> pool = pool(StatsDocument.read(walnut.statsPort(), T));
                return pool.get("client_connections").equals(0L) && pool.get("client_eof").equals(eofBefore + 1);
            }, "the closed client is counted as client_eof");
            assertThat(walnut.output()).doesNotContain("LEAK");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pool(Map<String, Object> stats) {
        return (Map<String, Object>) stats.get("alpha");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> server(Map<String, Object> pool, int index) {
        return (Map<String, Object>) pool.get("s" + (index + 1));
    }
}
