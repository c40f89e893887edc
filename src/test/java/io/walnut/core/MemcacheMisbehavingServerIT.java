package io.walnut.core;

import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Binaries;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import io.walnut.testing.NutcrackerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.walnut.core.ScriptedMemcached.TOO_LARGE;
import static io.walnut.core.ScriptedMemcached.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A memcached that breaks the protocol ({@link ScriptedMemcached}): garbage, a reply cut off by a close, a stray
 * reply with nothing outstanding. Each closes the server connection and fails every request pending on it
 * (reference 5.4, 8.5), the client stays usable, and the next request reconnects. A {@code SERVER_ERROR} sent
 * before the request's data (upstream issue #149) answers that request. And memcached's own error replies are
 * forwarded and never count as a failure of the server.
 */
class MemcacheMisbehavingServerIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String INVALID = "SERVER_ERROR Invalid argument\r\n";
    private static final String UNKNOWN = "SERVER_ERROR unknown\r\n";

    /** The conversation and the replies it must get, one per request, in order. */
    private static final List<String> EXPECTED = List.of(
            hit("a1"), INVALID, INVALID, hit("c1"),
            hit("a2"), UNKNOWN, UNKNOWN, hit("c2"),
            "END\r\n", hit("c3"),
            TOO_LARGE, hit("c4"),
            value("c5") + value("c6") + "END\r\n");

    private static List<String> converse(int port) {
        List<String> replies = new ArrayList<>();
        try (MemcacheClient c = MemcacheClient.connect(port)) {
            exchange(c, replies, "get a1\r\n", "get garbage\r\n", "get b1\r\n");
            exchange(c, replies, "get c1\r\n");
            exchange(c, replies, "get a2\r\n", "get partial\r\n", "get b2\r\n");
            exchange(c, replies, "get c2\r\n");
            exchange(c, replies, "get extra\r\n");
            ProxyUnderTest.pause(Duration.ofMillis(100)); // the stray reply closes the connection meanwhile
            exchange(c, replies, "get c3\r\n");
            exchange(c, replies, "set toolarge 0 0 5\r\nhello\r\n", "get c4\r\n");
            exchange(c, replies, "get c5 c6\r\n");
        }
        return replies;
    }

    /**
     * Pipelines the requests in one write (so the proxy reads and forwards them together, before the script can
     * close on one of them), then reads as many replies.
     */
    private static void exchange(MemcacheClient c, List<String> replies, String... requests) {
        c.send(String.join("", requests));
        for (String r : requests) {
            replies.add(c.readReply(T));
        }
    }

    @Test
    void everyMisbehaviourFailsThePendingRequestsAndTheNextRequestReconnects() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LeakWatch leaks = new LeakWatch(); ScriptedMemcached server = new ScriptedMemcached();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("scripted",
                         FreePorts.loopback(), List.of("timeout: 3000"),
                         List.of("127.0.0.1:" + server.port() + ":1 s1")), 1)) {
                assertThat(converse(proxy.port())).isEqualTo(EXPECTED);
                assertThat(server.accepted()).as("connections: one, then one after each of the 3 failures")
                        .isEqualTo(4);
                assertThat(proxy.server(0, ServerMetric.SERVER_ERR)).as("garbage, stray").isEqualTo(2);
                assertThat(proxy.server(0, ServerMetric.SERVER_EOF)).isEqualTo(1);
                assertThat(proxy.server(0, ServerMetric.SERVER_TIMEDOUT)).isZero();
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(4);
                leaks.assertNoLeakReported(); // cut-off and unparsable replies are dropped with their buffers
            }
        });
    }

    @Test
    void nutcrackerAnswersTheSameConversation() {
        Binaries.require("nutcracker");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int listen = FreePorts.loopback();
            try (ScriptedMemcached server = new ScriptedMemcached();
                 NutcrackerProcess nutcracker = NutcrackerProcess.start(ProxyUnderTest.memcacheYaml("scripted",
                         listen, List.of("timeout: 3000"), List.of("127.0.0.1:" + server.port() + ":1 s1")), listen)) {
                // As with Redis (MisbehavingServerIT), nutcracker may miss the FIN after a cut-off reply and
                // fail those requests only at its timeout.
                List<String> replies = converse(listen).stream()
                        .map(r -> r.equals("SERVER_ERROR Connection timed out\r\n") ? UNKNOWN : r).toList();
                assertThat(replies).as(nutcracker.diagnostics()).isEqualTo(EXPECTED);
                assertThat(server.accepted()).isEqualTo(4);
            }
        });
    }

    /**
     * memcached's {@code SERVER_ERROR} (an item over its size limit) and {@code CLIENT_ERROR} replies reach the
     * client as they are and are no failure of the server: many of them eject nothing, and keys stay put.
     */
    @Test
    void memcachedErrorRepliesAreForwardedAndNeverEject() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (MemcachedProcess m1 = MemcachedProcess.start("-I", "1m");
                 MemcachedProcess m2 = MemcachedProcess.start("-I", "1m");
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("errors", FreePorts.loopback(),
                         List.of("auto_eject_hosts: true", "server_failure_limit: 2", "server_retry_timeout: 30000"),
                         List.of("127.0.0.1:" + m1.port() + ":1 s1", "127.0.0.1:" + m2.port() + ":1 s2")), 1);
                 MemcacheClient c = proxy.memcacheClient()) {
                int s = proxy.serverOnPort(m1.port());
                String key = ProxyUnderTest.keyOn(proxy.placement(), s, "k:");
                // memcached drops the old value of a key whose new one is too large: another key on that server.
                String bigKey = ProxyUnderTest.keyOn(proxy.placement(), s, "big:");
                String big = "x".repeat(2 << 20);
                assertThat(c.call(T, "set " + key + " 0 0 3\r\nabc\r\n")).isEqualTo("STORED\r\n");
                for (int i = 0; i < 5; i++) {
                    c.send("set " + bigKey + " 0 0 " + big.length() + "\r\n" + big + "\r\n").send("incr " + key + " 1\r\n");
                    assertThat(c.readReply(T)).isEqualTo(TOO_LARGE);
                    assertThat(c.readReply(T)).isEqualTo("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
                }
                assertThat(c.call(T, "get " + key + "\r\n")).isEqualTo("VALUE " + key + " 0 3\r\nabc\r\nEND\r\n");
                try (MemcacheClient direct = MemcacheClient.connect(m1.port())) {
                    assertThat(direct.call(T, "get " + key + "\r\n")).as("still on its server").endsWith("abc\r\nEND\r\n");
                }
                assertThat(proxy.pool(PoolMetric.SERVER_EJECTS)).isZero();
                assertThat(proxy.server(s, ServerMetric.SERVER_ERR) + proxy.server(s, ServerMetric.SERVER_EOF)).isZero();
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).as("memcached's errors are not the proxy's").isZero();
            }
        });
    }

    private static String hit(String key) {
        return value(key) + "END\r\n";
    }
}
