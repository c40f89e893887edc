package io.walnut.core;

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
import java.util.List;

import static io.walnut.core.ProxyUnderTest.err;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A server that breaks the protocol ({@link ScriptedRedis}): garbage, a reply cut off by a close, an unsolicited
 * reply, or Redis's OOM/LOADING/BUSY errors. Each closes the server connection and fails every request pending on
 * it (reference 4.9, 8.5), the client stays usable, and the next request reconnects. nutcracker answers the same
 * conversation byte for byte.
 */
class MisbehavingServerIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String INVALID = "-ERR Invalid argument\\r\\n";

    /** The conversation and the replies it must get, one per request, in order (printable raw bytes). */
    private static final List<String> EXPECTED = List.of(
            bulk("val-a1"), INVALID, INVALID, bulk("val-c1"),
            bulk("val-a2"), "-ERR unknown\\r\\n", "-ERR unknown\\r\\n", bulk("val-c2"),
            "+first\\r\\n", bulk("val-c3"),
            INVALID, bulk("val-c4"),
            INVALID, bulk("val-c5"),
            INVALID, bulk("val-c6"));

    private static List<String> converse(int port) {
        List<String> replies = new ArrayList<>();
        try (RespClient c = RespClient.connect(port)) {
            exchange(c, replies, "a1", "garbage", "b1");
            exchange(c, replies, "c1");
            exchange(c, replies, "a2", "partial", "b2");
            exchange(c, replies, "c2");
            exchange(c, replies, "extra");
            ProxyUnderTest.pause(Duration.ofMillis(100)); // the stray reply closes the connection meanwhile
            exchange(c, replies, "c3");
            exchange(c, replies, "oom");
            exchange(c, replies, "c4");
            exchange(c, replies, "loading");
            exchange(c, replies, "c5");
            exchange(c, replies, "busy");
            exchange(c, replies, "c6");
        }
        return replies;
    }

    /**
     * Pipelines a GET per key in one write (so the proxy reads and forwards them together, before the script
     * can close on one of them), then reads as many replies.
     */
    private static void exchange(RespClient c, List<String> replies, String... keys) {
        java.io.ByteArrayOutputStream pipeline = new java.io.ByteArrayOutputStream();
        for (String k : keys) {
            pipeline.writeBytes(RespClient.encode("GET".getBytes(StandardCharsets.UTF_8),
                    k.getBytes(StandardCharsets.UTF_8)));
        }
        c.send(pipeline.toByteArray());
        for (String k : keys) {
            replies.add(RespClient.printable(c.readRawReply(T)));
        }
    }

    @Test
    void everyMisbehaviourFailsThePendingRequestsAndTheNextRequestReconnects() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LeakWatch leaks = new LeakWatch(); ScriptedRedis server = new ScriptedRedis();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("scripted", FreePorts.loopback(),
                         List.of("timeout: 3000"), List.of("127.0.0.1:" + server.port() + ":1 s1")), 1)) {
                assertThat(converse(proxy.port())).isEqualTo(EXPECTED);
                assertThat(server.accepted()).as("connections: one, then one after each of the 6 failures")
                        .isEqualTo(7);
                assertThat(proxy.server(0, ServerMetric.SERVER_ERR)).as("garbage, stray, OOM, LOADING, BUSY")
                        .isEqualTo(5);
                assertThat(proxy.server(0, ServerMetric.SERVER_EOF)).isEqualTo(1);
                assertThat(proxy.server(0, ServerMetric.SERVER_TIMEDOUT)).isZero();
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(7);
                leaks.assertNoLeakReported(); // cut-off and unparsable replies are dropped with their buffers
            }
        });
    }

    @Test
    void nutcrackerAnswersTheSameConversation() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int listen = FreePorts.loopback();
            try (ScriptedRedis server = new ScriptedRedis();
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.yaml("scripted", listen,
                         List.of("timeout: 3000"), List.of("127.0.0.1:" + server.port() + ":1 s1")), listen)) {
                // nutcracker sometimes misses the FIN that follows a cut-off reply (its edge-triggered read stops
                // at the short read) and fails those requests only at its timeout; Walnut always sees the end.
                List<String> replies = converse(listen).stream()
                        .map(r -> r.equals("-ERR Connection timed out\\r\\n") ? "-ERR unknown\\r\\n" : r).toList();
                assertThat(replies).as(nutcracker.diagnostics()).isEqualTo(EXPECTED);
                assertThat(server.accepted()).isEqualTo(7);
            }
        });
    }

    /** An OOM reply counts as a failure of the server: two of them eject it, and its keys move. */
    @Test
    void outOfMemoryRepliesCountTowardEjection() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (ScriptedRedis scripted = new ScriptedRedis();
                 RedisServerProcess real = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("oom", FreePorts.loopback(),
                         List.of("auto_eject_hosts: true", "server_failure_limit: 2", "server_retry_timeout: 30000"),
                         List.of("127.0.0.1:" + scripted.port() + ":1 s1", "127.0.0.1:" + real.port() + ":1 s2")), 1);
                 RespClient c = proxy.client()) {
                int s = proxy.serverOnPort(scripted.port());
                String key = ProxyUnderTest.keyOn(proxy.placement(), s, "oom:");
                assertThat(c.call(T, "GET", key)).isEqualTo(err("Invalid argument"));
                assertThat(c.call(T, "GET", key)).isEqualTo(err("Invalid argument"));
                assertThat(c.call(T, "GET", key)).as("now served by the real redis").isNull();
                assertThat(proxy.pool(PoolMetric.SERVER_EJECTS)).isEqualTo(1);
                assertThat(proxy.server(s, ServerMetric.SERVER_ERR)).isEqualTo(2);
            }
        });
    }

    private static String bulk(String value) {
        return RespClient.printable(("$" + value.length() + "\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
