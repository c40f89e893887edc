package io.walnut.core;

import io.walnut.stats.PoolMetric;
import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.NutcrackerProcess;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import static io.walnut.core.ProxyUnderTest.err;
import static io.walnut.core.ProxyUnderTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A dead server with {@code auto_eject_hosts: false} (reference 8.3): its requests fail fast and its keys never
 * move; a multi-key request with a fragment there fails whole (4.3); thousands of failures leave no buffer
 * behind. When the server comes back, its keys are served again.
 */
class DeadServerIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final RespClient.Error REFUSED = err("Connection refused");
    /**
     * A retry timeout far longer than the tests: a restarted server is used again within seconds only because
     * reconnects back off from 100 ms, not because the retry timeout passed.
     */
    private static final List<String> NOT_EJECTING = List.of("auto_eject_hosts: false",
            "server_retry_timeout: 600000", "timeout: 3000");

    private static String yaml(int listen, RedisServerProcess live1, RedisServerProcess live2, int deadPort) {
        return ProxyUnderTest.yaml("dead", listen, NOT_EJECTING,
                DeadServerSetup.servers(live1.port(), live2.port(), deadPort));
    }

    private static DeadServerSetup<RedisServerProcess, RespClient> setup() throws Exception {
        return new DeadServerSetup<>(RedisServerProcess::start, (listen, servers) -> ProxyUnderTest.yaml("dead", listen,
                NOT_EJECTING, servers), ProxyUnderTest::client);
    }

    @Test
    void requestsForADeadServerFailFastAndItsKeysNeverMove() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (DeadServerSetup<RedisServerProcess, RespClient> setup = setup()) {
                ProxyUnderTest proxy = setup.proxy;
                RespClient c = setup.client;
                String deadKey = setup.deadKey;
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertThat(c.call(T, "SET", deadKey, "v" + i)).isEqualTo(REFUSED);
                    assertThat(c.call(T, "GET", deadKey)).isEqualTo(REFUSED);
                    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for two refused requests")
                            .isLessThan(1000);
                }
                for (RedisServerProcess r : List.of(setup.live1, setup.live2)) {
                    try (RespClient direct = RespClient.connect(r.port())) {
                        assertThat(direct.call(T, "DBSIZE")).as("nothing moved to a live server").isEqualTo(0L);
                    }
                }
                assertThat(proxy.pool(PoolMetric.SERVER_EJECTS)).isZero();

                try (RedisServerProcess back = RedisServerProcess.builder().port(setup.deadPort).start()) {
                    Object reply = REFUSED;
                    long deadline = System.nanoTime() + T.toNanos();
                    while (REFUSED.equals(reply) && System.nanoTime() < deadline) {
                        ProxyUnderTest.pause(Duration.ofMillis(50));
                        reply = c.call(T, "GET", deadKey);
                    }
                    assertThat(reply).as("served again soon after the restart").isNull();
                    assertThat(c.call(T, "SET", deadKey, "back")).isEqualTo("OK");
                    try (RespClient direct = RespClient.connect(setup.deadPort)) {
                        assertThat(text(direct.call(T, "GET", deadKey))).isEqualTo("back");
                    }
                }
            }
        });
    }

    /**
     * MGET, DEL and MSET with a fragment on the dead server get that fragment's error. Walnut keeps the client
     * connection open; nutcracker closes it after the error (a deliberate difference).
     */
    @Test
    void aMultiKeyRequestWithAFragmentOnADeadServerFailsWhole() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (DeadServerSetup<RedisServerProcess, RespClient> setup = setup()) {
                ProxyUnderTest proxy = setup.proxy;
                RespClient c = setup.client;
                String deadKey = setup.deadKey;
                String k1 = setup.keyOn(setup.live1.port(), "one:");
                String k2 = setup.keyOn(setup.live2.port(), "two:");
                assertThat(c.call(T, "MSET", k1, "v1", k2, "v2")).isEqualTo("OK");
                long errorsBefore = proxy.pool(PoolMetric.FORWARD_ERROR);

                c.send("MGET", k1, deadKey, k2).send("DEL", deadKey, k1).send("MSET", k2, "x", deadKey, "y")
                        .send("GET", k2).send("PING");
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
                assertThat(text(c.readReply(T))).as("the fragment on a live server was applied").isEqualTo("x");
                assertThat(c.readReply(T)).isEqualTo("PONG");
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR) - errorsBefore).as("one per failed request").isEqualTo(3);
                assertThat(c.call(T, "MGET", k1, k2)).asList().extracting(ProxyUnderTest::text)
                        .containsExactly(null, "x");
            }
        });
    }

    @Test
    void nutcrackerClosesTheClientAfterAFailedMget() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int deadPort = FreePorts.loopback();
            int listen = FreePorts.loopback();
            try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start();
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(yaml(listen, r1, r2, deadPort), listen);
                 ProxyUnderTest layout = ProxyUnderTest.start(yaml(FreePorts.loopback(), r1, r2, deadPort), 1);
                 RespClient c = RespClient.connect(listen)) {
                String deadKey = ProxyUnderTest.keyOn(layout.placement(), layout.serverOnPort(deadPort), "dead:");
                String k1 = ProxyUnderTest.keyOn(layout.placement(), layout.serverOnPort(r1.port()), "one:");
                assertThat(c.call(T, "MGET", k1, deadKey)).as(nutcracker.diagnostics()).isEqualTo(REFUSED);
                assertThatThrownBy(() -> c.call(T, "PING")).isInstanceOf(UncheckedIOException.class);
            }
        });
    }

    /** 10 000 failed requests (5 000 of them split in fragments) leave the allocators as they were, with no leak. */
    @Test
    void tenThousandFailuresLeaveNoBufferBehind() {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            try (LeakWatch leaks = new LeakWatch(); DeadServerSetup<RedisServerProcess, RespClient> setup = setup()) {
                ProxyUnderTest proxy = setup.proxy;
                RespClient c = setup.client;
                String deadKey = setup.deadKey;
                String liveKey = setup.keyOn(setup.live1.port(), "one:");
                String value = "x".repeat(4096);
                LeakWatch.assertMemoryBounded(8L << 20, 20,
                        batches -> failBatches(c, deadKey, liveKey, value, batches));
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(21 * 500);
                leaks.assertNoLeakReported();
            }
        });
    }

    /** Each batch: 250 SETs of {@code value} to the dead server and 250 MGETs with a fragment there, pipelined. */
    private static void failBatches(RespClient c, String deadKey, String liveKey, String value, int batches) {
        for (int b = 0; b < batches; b++) {
            for (int i = 0; i < 250; i++) {
                c.send("SET", deadKey, value).send("MGET", liveKey, deadKey);
            }
            for (int i = 0; i < 500; i++) {
                assertThat(c.readReply(T)).isEqualTo(REFUSED);
            }
        }
    }
}
