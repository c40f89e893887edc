package io.walnut.core;

import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.MemcachedProcess;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * spymemcached, a real Java memcached client, through Walnut to three real memcached: storage, retrieval,
 * bulk gets across servers with missing keys, CAS, arithmetic, touch and delete. Every value read back is
 * also checked on the memcached that Walnut's placement says holds it.
 */
class MemcacheClientIT {
    private static final List<MemcachedProcess> SERVERS = new ArrayList<>();
    private static InProcessWalnut walnut;
    private static MemcachedClient client;

    @BeforeAll
    static void start() throws IOException {
        StringBuilder yaml = new StringBuilder();
        int port = FreePorts.loopback();
        yaml.append("cache:\n  listen: 127.0.0.1:").append(port)
                .append("\n  hash: fnv1a_64\n  distribution: ketama\n  timeout: 2000\n  servers:\n");
        for (int i = 0; i < 3; i++) {
            MemcachedProcess m = MemcachedProcess.start("-m", "64");
            SERVERS.add(m);
            yaml.append("   - 127.0.0.1:").append(m.port()).append(":1 m").append(i + 1).append('\n');
        }
        walnut = InProcessWalnut.start(yaml.toString(), 2);
        // The text protocol, and no failure mode that would hide an error behind a retry.
        client = new MemcachedClient(new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.TEXT)
                .setOpTimeout(5000)
                .setFailureMode(net.spy.memcached.FailureMode.Cancel)
                .build(), AddrUtil.getAddresses("127.0.0.1:" + port));
        awaitConnected(client);
    }

    /** spymemcached connects in the background; with FailureMode.Cancel an operation sent before that fails. */
    private static void awaitConnected(MemcachedClient c) {
        Await.until(Duration.ofSeconds(10), () -> !c.getAvailableServers().isEmpty(), "spymemcached connected");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.shutdown(2, TimeUnit.SECONDS);
        }
        if (walnut != null) {
            walnut.close();
        }
        SERVERS.forEach(MemcachedProcess::close);
    }

    @Test
    void setGetAddReplaceAppendPrependDelete() throws Exception {
        assertThat(client.set("spy:a", 0, "alpha").get()).isTrue();
        assertThat(client.get("spy:a")).isEqualTo("alpha");
        assertThat(client.add("spy:a", 0, "again").get()).isFalse();
        assertThat(client.replace("spy:missing", 0, "x").get()).isFalse();
        assertThat(client.append(0, "spy:a", "-end").get()).isTrue();
        assertThat(client.prepend(0, "spy:a", "start-").get()).isTrue();
        assertThat(client.get("spy:a")).isEqualTo("start-alpha-end");
        assertThat(client.delete("spy:a").get()).isTrue();
        assertThat(client.get("spy:a")).isNull();
    }

    @Test
    void bulkGetAcrossServersWithMissingKeys() throws Exception {
        Map<String, Object> stored = new LinkedHashMap<>();
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = "spy:bulk:" + i + "-spread";
            asked.add(key);
            if (i % 3 != 0) {
                assertThat(client.set(key, 0, "v" + i).get()).isTrue();
                stored.put(key, "v" + i);
            }
        }
        assertThat(client.getBulk(asked)).isEqualTo(stored);
        assertThat(serversHolding(stored.keySet())).as("the keys reach every server").isEqualTo(3);
    }

    @Test
    void casArithmeticAndTouch() throws Exception {
        assertThat(client.set("spy:cas", 0, "one").get()).isTrue();
        CASValue<Object> seen = client.gets("spy:cas");
        assertThat(client.cas("spy:cas", seen.getCas(), "two")).isEqualTo(CASResponse.OK);
        assertThat(client.cas("spy:cas", seen.getCas(), "three")).isEqualTo(CASResponse.EXISTS);
        assertThat(client.get("spy:cas")).isEqualTo("two");
        assertThat(client.set("spy:n", 0, "10").get()).isTrue();
        assertThat(client.incr("spy:n", 5)).isEqualTo(15L);
        assertThat(client.decr("spy:n", 20)).isEqualTo(0L);
        assertThat(client.incr("spy:nothing", 1)).isEqualTo(-1L);
        assertThat(client.touch("spy:n", 100).get()).isTrue();
        assertThat(client.touch("spy:nothing", 100).get()).isFalse();
    }

    @Test
    void largeValuesRoundTrip() throws Exception {
        String value = "x".repeat(900 * 1024);
        assertThat(client.set("spy:large", 0, value).get()).isTrue();
        assertThat(client.get("spy:large")).isEqualTo(value);
    }

    /** How many of the memcached servers hold at least one of {@code keys}, asked directly. */
    private static int serversHolding(Iterable<String> keys) throws Exception {
        int holding = 0;
        for (MemcachedProcess server : SERVERS) {
            MemcachedClient direct = new MemcachedClient(new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.TEXT).build(),
                    AddrUtil.getAddresses("127.0.0.1:" + server.port()));
            try {
                awaitConnected(direct);
                List<String> all = new ArrayList<>();
                keys.forEach(all::add);
                if (!direct.getBulk(all).isEmpty()) {
                    holding++;
                }
            } finally {
                direct.shutdown(2, TimeUnit.SECONDS);
            }
        }
        return holding;
    }
}
