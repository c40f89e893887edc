package io.walnut.core;

import io.walnut.stats.PoolMetric;
import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.NutcrackerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.walnut.core.MemcacheTimeoutIT.block;
import static io.walnut.core.MemcacheTimeoutIT.hit;
import static io.walnut.core.MemcacheTimeoutIT.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A dead memcached with {@code auto_eject_hosts: false} (reference 8.3): its requests fail fast and its keys never
 * move; a get or gets with a fragment there fails whole (5.3), and Walnut keeps the client; thousands of failures
 * leave no buffer behind. When the server comes back, its keys are served again.
 */
class MemcacheDeadServerIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String REFUSED = "SERVER_ERROR Connection refused\r\n";
    private static final List<String> NOT_EJECTING = List.of("auto_eject_hosts: false", "server_retry_timeout: 500",
            "timeout: 3000");

    private static String yaml(int listen, MemcachedProcess live1, MemcachedProcess live2, int deadPort) {
        return ProxyUnderTest.memcacheYaml("dead", listen, NOT_EJECTING,
                DeadServerSetup.servers(live1.port(), live2.port(), deadPort));
    }

    private static DeadServerSetup<MemcachedProcess, MemcacheClient> setup() throws Exception {
        return new DeadServerSetup<>(MemcachedProcess::start, (listen, servers) -> ProxyUnderTest.memcacheYaml("dead", listen,
                NOT_EJECTING, servers), ProxyUnderTest::memcacheClient);
    }

    @Test
    void requestsForADeadServerFailFastAndItsKeysNeverMove() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (DeadServerSetup<MemcachedProcess, MemcacheClient> setup = setup()) {
                MemcacheClient c = setup.client;
                String deadKey = setup.deadKey;
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertThat(c.call(T, set(deadKey, "v" + i, false))).isEqualTo(REFUSED);
                    assertThat(c.call(T, "get " + deadKey + "\r\n")).isEqualTo(REFUSED);
                    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for two refused requests")
                            .isLessThan(1000);
                }
                for (MemcachedProcess m : List.of(setup.live1, setup.live2)) {
                    try (MemcacheClient direct = MemcacheClient.connect(m.port())) {
                        assertThat(direct.call(T, "get " + deadKey + "\r\n")).as("nothing moved to a live server")
                                .isEqualTo("END\r\n");
                    }
                }
                assertThat(setup.proxy.pool(PoolMetric.SERVER_EJECTS)).isZero();

                try (MemcachedProcess back = MemcachedProcess.startOn(setup.deadPort)) {
                    String reply = REFUSED;
                    long deadline = System.nanoTime() + T.toNanos();
                    while (REFUSED.equals(reply) && System.nanoTime() < deadline) {
                        ProxyUnderTest.pause(Duration.ofMillis(50));
                        reply = c.call(T, "get " + deadKey + "\r\n");
                    }
                    assertThat(reply).as("served again once the retry time passed").isEqualTo("END\r\n");
                    assertThat(c.call(T, set(deadKey, "back", false))).isEqualTo("STORED\r\n");
                    try (MemcacheClient direct = MemcacheClient.connect(setup.deadPort)) {
                        assertThat(direct.call(T, "get " + deadKey + "\r\n")).isEqualTo(hit(deadKey, "back"));
                    }
                }
            }
        });
    }

    /**
     * get and gets with a fragment on the dead server get that fragment's error. Walnut keeps the client
     * connection open; nutcracker closes it after the error (a deliberate difference, see the next test).
     */
    @Test
    void aMultiGetWithAFragmentOnADeadServerFailsWhole() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (DeadServerSetup<MemcachedProcess, MemcacheClient> setup = setup()) {
                ProxyUnderTest proxy = setup.proxy;
                MemcacheClient c = setup.client;
                String deadKey = setup.deadKey;
                String k1 = setup.keyOn(setup.live1.port(), "one:");
                String k2 = setup.keyOn(setup.live2.port(), "two:");
                assertThat(c.call(T, set(k1, "v1", false))).isEqualTo("STORED\r\n");
                assertThat(c.call(T, set(k2, "v2", false))).isEqualTo("STORED\r\n");
                long errorsBefore = proxy.pool(PoolMetric.FORWARD_ERROR);

                c.send("get " + k1 + " " + deadKey + " " + k2 + "\r\n").send("gets " + deadKey + " " + k2 + "\r\n")
                        .send("get " + k2 + " " + k1 + "\r\n").send("version\r\n");
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
                assertThat(c.readReply(T)).as("the client is still served")
                        .isEqualTo(block(k2, "v2") + block(k1, "v1") + "END\r\n");
                // version goes where the key "placeholder" goes (reference 5.2).
                boolean versionOnDead = proxy.placement().serverIndex(ServerPool.PLACEHOLDER_KEY)
                        == proxy.serverOnPort(setup.deadPort);
                assertThat(c.readReply(T)).matches(versionOnDead ? REFUSED : "VERSION [0-9.]+\r\n");
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR) - errorsBefore).as("one per failed request")
                        .isEqualTo(versionOnDead ? 3 : 2);
            }
        });
    }

    @Test
    void nutcrackerClosesTheClientAfterAFailedMultiGet() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int deadPort = FreePorts.loopback();
            int listen = FreePorts.loopback();
            try (MemcachedProcess m1 = MemcachedProcess.start(); MemcachedProcess m2 = MemcachedProcess.start();
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml(listen, m1, m2, deadPort), listen);
                 ProxyUnderTest layout = ProxyUnderTest.start(yaml(FreePorts.loopback(), m1, m2, deadPort), 1);
                 MemcacheClient c = MemcacheClient.connect(listen)) {
                String deadKey = ProxyUnderTest.keyOn(layout.placement(), layout.serverOnPort(deadPort), "dead:");
                String k1 = ProxyUnderTest.keyOn(layout.placement(), layout.serverOnPort(m1.port()), "one:");
                assertThat(c.call(T, "get " + k1 + " " + deadKey + "\r\n")).as(nutcracker.diagnostics())
                        .isEqualTo(REFUSED);
                assertThat(c.closesWithin(T)).isTrue();
            }
        });
    }

    /** 10 000 failed requests (5 000 of them multi-gets split in fragments) leave no buffer behind, and no leak. */
    @Test
    void tenThousandFailuresLeaveNoBufferBehind() {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            try (LeakWatch leaks = new LeakWatch(); DeadServerSetup<MemcachedProcess, MemcacheClient> setup = setup()) {
                MemcacheClient c = setup.client;
                String deadKey = setup.deadKey;
                String liveKey = setup.keyOn(setup.live1.port(), "one:");
                assertThat(c.call(T, set(liveKey, "live", false))).isEqualTo("STORED\r\n");
                String value = "x".repeat(4096);
                LeakWatch.assertMemoryBounded(8L << 20, 20,
                        batches -> failBatches(c, deadKey, liveKey, value, batches));
                assertThat(setup.proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(21 * 500);
                assertThat(c.call(T, "get " + liveKey + "\r\n")).isEqualTo(hit(liveKey, "live"));
                leaks.assertNoLeakReported();
            }
        });
    }

    /** Each batch: 250 sets of {@code value} to the dead server and 250 gets with a fragment there, pipelined. */
    private static void failBatches(MemcacheClient c, String deadKey, String liveKey, String value, int batches) {
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < 250; i++) {
                c.send(set(deadKey, value, false)).send("get " + liveKey + " " + deadKey + "\r\n");
            }
            for (int i = 0; i < 500; i++) {
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
            }
        }
    }
}
