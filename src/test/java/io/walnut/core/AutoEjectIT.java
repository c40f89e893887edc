package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.walnut.core.ProxyUnderTest.err;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code auto_eject_hosts: true} with one of three servers dead (reference 8.2): {@code server_failure_limit}
 * requests fail, the server leaves the distribution, its keys land where nutcracker puts them in the same
 * situation, and after {@code server_retry_timeout} it is tried again and ejected again. With two event loops the
 * ejection is one decision for the pool.
 */
class AutoEjectIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final int RETRY_MS = 1500;
    private static final List<String> EJECTING = List.of("auto_eject_hosts: true", "server_failure_limit: 2",
            "server_retry_timeout: " + RETRY_MS, "timeout: 3000");
    private static final RespClient.Error REFUSED = err("Connection refused");

    @Test
    void ejectionAndRetryMatchNutcracker() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int deadPort = FreePorts.loopback();
            int nutcrackerPort = FreePorts.loopback();
            try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start()) {
                List<String> servers = List.of("127.0.0.1:" + r1.port() + ":1 s1", "127.0.0.1:" + r2.port() + ":1 s2",
                        "127.0.0.1:" + deadPort + ":1 s3");
                try (ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.yaml("walnut", FreePorts.loopback(),
                        with(EJECTING, "redis_db: 1"), servers), 1);
                     NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.yaml("nutcracker",
                             nutcrackerPort, with(EJECTING, "redis_db: 2"), servers), nutcrackerPort);
                     RespClient w = walnut.client(); RespClient n = RespClient.connect(nutcrackerPort)) {
                    int dead = walnut.serverOnPort(deadPort);
                    String deadKey = ProxyUnderTest.keyOn(walnut.placement(), dead, "dead:");

                    assertThat(getThrice(n, deadKey)).as(nutcracker.diagnostics()).containsExactly(REFUSED, REFUSED, null);
                    long before = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                    assertThat(getThrice(w, deadKey)).containsExactly(REFUSED, REFUSED, null);
                    long after = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
                    long ejectedAtNanos = System.nanoTime();
                    writeKeys(n, "key:", 300);
                    writeKeys(w, "key:", 300);

                    Map<String, Integer> byWalnut = placement(1, r1, r2);
                    Map<String, Integer> byNutcracker = placement(2, r1, r2);
                    assertThat(byWalnut).hasSize(300).isEqualTo(byNutcracker);
                    Placement ejected = walnut.placement(dead);
                    byWalnut.forEach((key, port) -> assertThat(walnut.pool().servers()
                            .get(ejected.serverIndex(key.getBytes(StandardCharsets.UTF_8))).port()).isEqualTo(port));
                    assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(1);
                    assertThat(walnut.server(dead, ServerMetric.SERVER_EJECTED_AT)).isBetween(before, after);

                    long waitMs = RETRY_MS + 200 - (System.nanoTime() - ejectedAtNanos) / 1_000_000;
                    ProxyUnderTest.pause(Duration.ofMillis(Math.max(0, waitMs)));
                    assertThat(getThrice(n, deadKey)).as("nutcracker after the retry time")
                            .containsExactly(REFUSED, REFUSED, null);
                    assertThat(getThrice(w, deadKey)).as("after the retry time").containsExactly(REFUSED, REFUSED, null);
                    assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(2);
                }
            }
        });
    }

    @Test
    void withTwoEventLoopsEjectionIsOneDecisionForThePool() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int deadPort = FreePorts.loopback();
            try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start();
                 ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.yaml("loops", FreePorts.loopback(),
                         with(EJECTING, "redis_db: 3"), List.of("127.0.0.1:" + r1.port() + ":1 s1",
                                 "127.0.0.1:" + r2.port() + ":1 s2", "127.0.0.1:" + deadPort + ":1 s3")), 2);
                 RespClient a = walnut.client()) {
                assertThat(a.call(T, "PING")).isEqualTo("PONG"); // accepted: the next client goes to the other loop
                try (RespClient b = walnut.client()) {
                    int dead = walnut.serverOnPort(deadPort);
                    int first = walnut.serverOnPort(r1.port());
                    String deadKey = ProxyUnderTest.keyOn(walnut.placement(), dead, "dead:");
                    String firstKey = ProxyUnderTest.keyOn(walnut.placement(), first, "first:");
                    assertThat(a.call(T, "GET", firstKey)).isNull();
                    assertThat(b.call(T, "GET", firstKey)).isNull();
                    assertThat(walnut.server(first, ServerMetric.SERVER_CONNECTIONS))
                            .as("one connection per event loop: the clients are on different loops").isEqualTo(2);

                    assertThat(a.call(T, "GET", deadKey)).isEqualTo(REFUSED);
                    assertThat(a.call(T, "GET", deadKey)).isEqualTo(REFUSED);
                    assertThat(b.call(T, "GET", deadKey)).as("the other loop sees the ejection").isNull();
                    long ejectedAtNanos = System.nanoTime();
                    writeKeys(a, "a:", 100);
                    writeKeys(b, "b:", 100);
                    Map<String, Integer> where = placement(3, r1, r2);
                    assertThat(where).hasSize(200);
                    Placement ejected = walnut.placement(dead);
                    where.forEach((key, port) -> assertThat(walnut.pool().servers()
                            .get(ejected.serverIndex(key.getBytes(StandardCharsets.UTF_8))).port()).as(key)
                            .isEqualTo(port));

                    long waitMs = RETRY_MS + 200 - (System.nanoTime() - ejectedAtNanos) / 1_000_000;
                    ProxyUnderTest.pause(Duration.ofMillis(Math.max(0, waitMs)));
                    // Back on trial: one failure on each loop adds up to the limit.
                    assertThat(b.call(T, "GET", deadKey)).isEqualTo(REFUSED);
                    assertThat(a.call(T, "GET", deadKey)).isEqualTo(REFUSED);
                    assertThat(a.call(T, "GET", deadKey)).isNull();
                    assertThat(b.call(T, "GET", deadKey)).isNull();
                    assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(2);
                }
            }
        });
    }

    /**
     * Four connections to a stopped server time out together: the second failure ejects it and the fourth, while
     * it is ejected, ejects it again (count back to 0, retry time pushed back), as nutcracker does. So after the
     * retry time it again takes {@code server_failure_limit} failures to eject it.
     */
    @Test
    void failuresWhileEjectedEjectAgainAsNutcrackerDoes() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int nutcrackerPort = FreePorts.loopback();
            try (RedisServerProcess stopped = RedisServerProcess.start(); RedisServerProcess live = RedisServerProcess.start()) {
                List<String> servers = List.of("127.0.0.1:" + stopped.port() + ":1 s1", "127.0.0.1:" + live.port() + ":1 s2");
                List<String> settings = List.of("auto_eject_hosts: true", "server_failure_limit: 2",
                        "server_retry_timeout: " + RETRY_MS, "timeout: 300", "server_connections: 4");
                try (ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.yaml("walnut", FreePorts.loopback(),
                        with(settings, "redis_db: 4"), servers), 1);
                     NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.yaml("nutcracker",
                             nutcrackerPort, with(settings, "redis_db: 5"), servers), nutcrackerPort);
                     RespClient w = walnut.client(); RespClient n = RespClient.connect(nutcrackerPort)) {
                    int s = walnut.serverOnPort(stopped.port());
                    String key = ProxyUnderTest.keyOn(walnut.placement(), s, "stopped:");
                    stopped.pause();
                    for (RespClient c : List.of(w, n)) {
                        for (int i = 0; i < 4; i++) {
                            c.send("GET", key);
                        }
                    }
                    for (RespClient c : List.of(w, n)) {
                        for (int i = 0; i < 4; i++) {
                            assertThat(c.readReply(T)).isEqualTo(err("Connection timed out"));
                        }
                    }
                    long ejectedAtNanos = System.nanoTime();
                    assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).as("ejected at the 2nd failure and the 4th")
                            .isEqualTo(2);
                    assertThat(walnut.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(4);
                    long waitMs = RETRY_MS + 200 - (System.nanoTime() - ejectedAtNanos) / 1_000_000;
                    ProxyUnderTest.pause(Duration.ofMillis(Math.max(0, waitMs)));
                    RespClient.Error timedOut = err("Connection timed out");
                    assertThat(getThrice(n, key)).as(nutcracker.diagnostics()).containsExactly(timedOut, timedOut, null);
                    assertThat(getThrice(w, key)).containsExactly(timedOut, timedOut, null);
                }
            }
        });
    }

    /**
     * A pool of one server is no exception: once ejected, with nothing live, requests are refused at once until
     * the retry time (reference 7.4, 8.2 step 4), as nutcracker does, instead of each waiting for its timeout.
     */
    @Test
    void aOneServerPoolIsEjectedAsWithNutcracker() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int nutcrackerPort = FreePorts.loopback();
            try (RedisServerProcess stopped = RedisServerProcess.start()) {
                List<String> servers = List.of("127.0.0.1:" + stopped.port() + ":1 s1");
                List<String> settings = List.of("auto_eject_hosts: true", "server_failure_limit: 2",
                        "server_retry_timeout: " + RETRY_MS, "timeout: 300");
                try (ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.yaml("walnut", FreePorts.loopback(),
                        settings, servers), 1);
                     NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.yaml("nutcracker",
                             nutcrackerPort, settings, servers), nutcrackerPort);
                     RespClient w = walnut.client(); RespClient n = RespClient.connect(nutcrackerPort)) {
                    assertThat(w.call(T, "SET", "k", "v")).isEqualTo("OK");
                    stopped.pause();
                    RespClient.Error timedOut = err("Connection timed out");
                    assertThat(getThrice(n, "k")).as(nutcracker.diagnostics()).containsExactly(timedOut, timedOut, REFUSED);
                    assertThat(getThrice(w, "k")).containsExactly(timedOut, timedOut, REFUSED);
                    assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(1);
                    long ejectedAtNanos = System.nanoTime();
                    stopped.resume();
                    long waitMs = RETRY_MS + 200 - (System.nanoTime() - ejectedAtNanos) / 1_000_000;
                    ProxyUnderTest.pause(Duration.ofMillis(Math.max(0, waitMs)));
                    assertThat(ProxyUnderTest.text(n.call(T, "GET", "k"))).isEqualTo("v");
                    assertThat(ProxyUnderTest.text(w.call(T, "GET", "k"))).isEqualTo("v");
                }
            }
        });
    }

    private static List<String> with(List<String> settings, String more) {
        List<String> all = new ArrayList<>(settings);
        all.add(more);
        return all;
    }

    private static List<Object> getThrice(RespClient c, String key) {
        return Arrays.asList(c.call(T, "GET", key), c.call(T, "GET", key), c.call(T, "GET", key));
    }

    /** SETs {@code prefix0..} pipelined; every one must be acknowledged. */
    private static void writeKeys(RespClient c, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            c.send("SET", prefix + i, "v");
        }
        for (int i = 0; i < count; i++) {
            assertThat(c.readReply(T)).as("SET %s%d", prefix, i).isEqualTo("OK");
        }
    }

    /** Every key in {@code db} of the given servers, with the port of the server that holds it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Integer> placement(int db, RedisServerProcess... servers) {
        Map<String, Integer> where = new TreeMap<>();
        for (RedisServerProcess r : servers) {
            try (RespClient c = RespClient.connect(r.port())) {
                assertThat(c.call(T, "SELECT", Integer.toString(db))).isEqualTo("OK");
                for (Object key : (List<Object>) c.call(T, "KEYS", "*")) {
                    assertThat(where.put(new String((byte[]) key, StandardCharsets.UTF_8), r.port())).isNull();
                }
            }
        }
        return where;
    }
}
