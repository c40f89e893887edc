package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.NutcrackerProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.walnut.core.MemcacheTimeoutIT.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code auto_eject_hosts: true} on a memcached pool with one of three servers dead (reference 8.2): two requests
 * get {@code SERVER_ERROR Connection refused}, the server leaves the distribution, its keys land where nutcracker
 * puts them in the same situation, and after {@code server_retry_timeout} it is tried again and ejected again.
 *
 * <p>memcached has no databases, so Walnut and nutcracker each get their own two live memcacheds, under the same
 * server names (ketama places by name), and share the dead port. ({@code auto_eject_hosts: false}:
 * {@link MemcacheDeadServerIT}.)
 */
class MemcacheAutoEjectIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final int RETRY_MS = 1500;
    private static final List<String> EJECTING = List.of("auto_eject_hosts: true", "server_failure_limit: 2",
            "server_retry_timeout: " + RETRY_MS, "timeout: 3000");
    private static final String REFUSED = "SERVER_ERROR Connection refused\r\n";
    private static final String MISS = "END\r\n";

    @Test
    void ejectionAndRetryMatchNutcracker() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int deadPort = FreePorts.loopback();
            int nutcrackerPort = FreePorts.loopback();
            try (MemcachedProcess w1 = MemcachedProcess.start(); MemcachedProcess w2 = MemcachedProcess.start();
                 MemcachedProcess n1 = MemcachedProcess.start(); MemcachedProcess n2 = MemcachedProcess.start();
                 ProxyUnderTest walnut = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("walnut",
                         FreePorts.loopback(), EJECTING, servers(w1, w2, deadPort)), 1);
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.memcacheYaml("nutcracker",
                         nutcrackerPort, EJECTING, servers(n1, n2, deadPort)), nutcrackerPort);
                 MemcacheClient w = walnut.memcacheClient(); MemcacheClient n = MemcacheClient.connect(nutcrackerPort)) {
                int dead = walnut.serverOnPort(deadPort);
                String deadKey = ProxyUnderTest.keyOn(walnut.placement(), dead, "dead:");

                assertThat(getThrice(n, deadKey)).as(nutcracker.diagnostics()).containsExactly(REFUSED, REFUSED, MISS);
                assertThat(getThrice(w, deadKey)).containsExactly(REFUSED, REFUSED, MISS);
                long ejectedAtNanos = System.nanoTime();
                List<String> keys = writeKeys(n, "key:", 300);
                assertThat(writeKeys(w, "key:", 300)).isEqualTo(keys);

                Map<String, String> byWalnut = placement(keys, Map.of("s1", w1, "s2", w2));
                Map<String, String> byNutcracker = placement(keys, Map.of("s1", n1, "s2", n2));
                assertThat(byWalnut).hasSize(300).isEqualTo(byNutcracker);
                assertThat(byWalnut).containsValues("s1", "s2");
                Placement ejected = walnut.placement(dead);
                byWalnut.forEach((key, name) -> assertThat(walnut.pool().servers()
                        .get(ejected.serverIndex(key.getBytes(StandardCharsets.UTF_8))).name()).as(key).isEqualTo(name));
                assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(1);
                assertThat(walnut.server(dead, ServerMetric.SERVER_EJECTED_AT)).isPositive();

                long waitMs = RETRY_MS + 200 - (System.nanoTime() - ejectedAtNanos) / 1_000_000;
                ProxyUnderTest.pause(Duration.ofMillis(Math.max(0, waitMs)));
                assertThat(getThrice(n, deadKey)).as("nutcracker after the retry time")
                        .containsExactly(REFUSED, REFUSED, MISS);
                assertThat(getThrice(w, deadKey)).as("after the retry time").containsExactly(REFUSED, REFUSED, MISS);
                assertThat(walnut.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(2);
            }
        });
    }

    private static List<String> servers(MemcachedProcess s1, MemcachedProcess s2, int deadPort) {
        return List.of("127.0.0.1:" + s1.port() + ":1 s1", "127.0.0.1:" + s2.port() + ":1 s2",
                "127.0.0.1:" + deadPort + ":1 s3");
    }

    private static List<String> getThrice(MemcacheClient c, String key) {
        String get = "get " + key + "\r\n";
        return Arrays.asList(c.call(T, get), c.call(T, get), c.call(T, get));
    }

    /** Sets {@code prefix0..} pipelined; every one must be stored. Returns the keys. */
    private static List<String> writeKeys(MemcacheClient c, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(prefix + i);
            c.send(set(prefix + i, "v", false));
        }
        for (String key : keys) {
            assertThat(c.readReply(T)).as("set %s", key).isEqualTo("STORED\r\n");
        }
        return keys;
    }

    /** For each key, the name of the one server in {@code byName} that holds it. */
    private static Map<String, String> placement(List<String> keys, Map<String, MemcachedProcess> byName) {
        Map<String, String> where = new TreeMap<>();
        for (Map.Entry<String, MemcachedProcess> e : byName.entrySet()) {
            try (MemcacheClient direct = MemcacheClient.connect(e.getValue().port())) {
                for (String key : keys) {
                    if (!direct.call(T, "get " + key + "\r\n").equals(MISS)) {
                        assertThat(where.put(key, e.getKey())).as("%s on one server only", key).isNull();
                    }
                }
            }
        }
        return where;
    }
}
