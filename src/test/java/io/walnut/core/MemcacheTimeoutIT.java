package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.FreePorts;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.MemcachedProcess;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A memcached that stops answering (SIGSTOP): with {@code timeout}, every request on its connection fails with
 * {@code SERVER_ERROR Connection timed out} in its turn, and noreply requests are never timed (reference 5.2,
 * 8.4); a client that leaves with gets at a stopped server does not put the server connection out of step (8.5).
 */
class MemcacheTimeoutIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final String TIMED_OUT = "SERVER_ERROR Connection timed out\r\n";

    @Test
    void aStoppedMemcachedTimesOutEveryRequestOnItsConnectionInOrder() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (MemcachedProcess stopped = MemcachedProcess.start();
                 MemcachedProcess live = MemcachedProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("timing", FreePorts.loopback(),
                         List.of("timeout: 300", "auto_eject_hosts: false"),
                         List.of("127.0.0.1:" + stopped.port() + ":1 s1", "127.0.0.1:" + live.port() + ":1 s2")), 1);
                 MemcacheClient c = proxy.memcacheClient()) {
                int s = proxy.serverOnPort(stopped.port());
                Placement placement = proxy.placement();
                String b1 = ProxyUnderTest.keyOn(placement, s, "b1:");
                String b2 = ProxyUnderTest.keyOn(placement, s, "b2:");
                String l = ProxyUnderTest.keyOn(placement, 1 - s, "l:");
                for (String k : List.of(b1, b2, l)) {
                    assertThat(c.call(T, set(k, "v-" + k, false))).isEqualTo("STORED\r\n");
                }

                stopped.pause();
                // A noreply request alone is never timed: its connection stays, and it is applied after SIGCONT.
                c.send(set(b2, "new-" + b2, true));
                ProxyUnderTest.pause(Duration.ofMillis(700));
                assertThat(c.call(T, "get " + l + "\r\n")).as("nothing answers the noreply set").isEqualTo(hit(l, "v-" + l));
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isZero();

                long t0 = System.nanoTime();
                c.send("get " + b1 + "\r\n").send("get " + l + "\r\n").send(set(b1, "lost", true))
                        .send("gets " + b2 + "\r\n");
                assertThat(c.readReply(T)).isEqualTo(TIMED_OUT);
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(c.readReply(T)).isEqualTo(hit(l, "v-" + l));
                assertThat(c.readReply(T)).as("the noreply set in between has no reply").isEqualTo(TIMED_OUT);
                assertThat(elapsedMs).as("ms until the timeout error").isBetween(250L, 3000L);
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).as("one connection timed out once")
                        .isEqualTo(1);
                assertThat(proxy.server(1 - s, ServerMetric.SERVER_TIMEDOUT)).isZero();

                // Still stopped: the next request opens a new connection (the kernel accepts) and times out too,
                // and a multi-get with a fragment there fails whole.
                assertThat(c.call(T, set(b1, "lost", false))).isEqualTo(TIMED_OUT);
                assertThat(c.call(T, "get " + l + " " + b2 + "\r\n")).isEqualTo(TIMED_OUT);
                assertThat(c.call(T, "gets " + b1 + " " + l + "\r\n")).isEqualTo(TIMED_OUT);
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(4);
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(5);

                stopped.resume();
                // The stopped server now answers the timed-out requests on sockets the proxy has closed: none of
                // those answers may reach a later request.
                for (int round = 0; round < 3; round++) {
                    c.send("get " + b2 + "\r\n").send("get " + l + "\r\n").send("get " + b1 + "\r\n")
                            .send("get absent:" + round + "\r\n").send("get " + b2 + " " + l + "\r\n");
                    String newB2 = hit(b2, "new-" + b2);
                    assertThat(c.readReply(T)).as("the noreply set was applied after SIGCONT").isEqualTo(newB2);
                    assertThat(c.readReply(T)).isEqualTo(hit(l, "v-" + l));
                    assertThat(c.readReply(T)).as("a set that timed out may have been applied")
                            .isIn(hit(b1, "v-" + b1), hit(b1, "lost"));
                    assertThat(c.readReply(T)).isEqualTo("END\r\n");
                    assertThat(c.readReply(T)).isEqualTo(block(b2, "new-" + b2) + block(l, "v-" + l) + "END\r\n");
                }
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(4);
                assertThat(proxy.server(s, ServerMetric.OUT_QUEUE)).isZero();
            }
        });
    }

    /**
     * A client leaves (reset or FIN) with gets and multi-gets written to two stopped memcacheds: their replies are
     * read and dropped, and the next client gets its own values.
     */
    @Test
    void aClientLeavingWithGetsAtAStoppedServerLeavesTheConnectionsInStep() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LeakWatch leaks = new LeakWatch();
                 MemcachedProcess m1 = MemcachedProcess.start(); MemcachedProcess m2 = MemcachedProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.memcacheYaml("leaving",
                         FreePorts.loopback(), List.of(),
                         List.of("127.0.0.1:" + m1.port() + ":1 s1", "127.0.0.1:" + m2.port() + ":1 s2")), 1)) {
                try (MemcacheClient c = proxy.memcacheClient()) {
                    for (int i = 0; i < 100; i++) {
                        c.send(set("k" + i, "v" + i, false));
                    }
                    for (int i = 0; i < 100; i++) {
                        assertThat(c.readReply(T)).isEqualTo("STORED\r\n");
                    }
                }
                for (boolean reset : new boolean[] {true, false}) {
                    m1.pause();
                    m2.pause();
                    leaveWithGetsOut(proxy, reset);
                    if (reset) {
                        proxy.awaitNoClient(T); // a half-closed client (FIN) is kept until its replies are written
                    }
                    m1.resume();
                    m2.resume();
                    try (MemcacheClient next = proxy.memcacheClient()) {
                        for (int i = 99; i >= 0; i--) {
                            next.send("get k" + i + "\r\n").send("get k" + i + " k" + (99 - i) + "\r\n");
                        }
                        for (int i = 99; i >= 0; i--) {
                            assertThat(next.readReply(T)).as("get k%d (reset: %s)", i, reset)
                                    .isEqualTo(hit("k" + i, "v" + i));
                            assertThat(next.readReply(T)).as("get k%d k%d (reset: %s)", i, 99 - i, reset)
                                    .isEqualTo(block("k" + i, "v" + i) + block("k" + (99 - i), "v" + (99 - i))
                                            + "END\r\n");
                        }
                    }
                    proxy.awaitNoClient(T);
                    for (int s = 0; s < 2; s++) {
                        assertThat(proxy.server(s, ServerMetric.OUT_QUEUE)).isZero();
                        assertThat(proxy.server(s, ServerMetric.IN_QUEUE)).isZero();
                        assertThat(proxy.server(s, ServerMetric.SERVER_ERR) + proxy.server(s, ServerMetric.SERVER_EOF))
                                .as("the server connection never failed").isZero();
                    }
                }
                leaks.assertNoLeakReported();
            }
        });
    }

    /**
     * Sends 100 gets, each of one key and of two keys, waits until the proxy has written them to the servers,
     * and leaves: with a reset (RST) or an ordinary close (FIN).
     */
    private static void leaveWithGetsOut(ProxyUnderTest proxy, boolean reset) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            OutputStream out = s.getOutputStream();
            int fragments = 0;
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String k = "k" + i;
                String other = "k" + (i * 7 % 100);
                out.write(("get " + k + "\r\nget " + k + " " + other + "\r\n").getBytes(StandardCharsets.US_ASCII));
                keys.add(k);
                boolean split = proxy.placement().serverIndex(k.getBytes(StandardCharsets.US_ASCII))
                        != proxy.placement().serverIndex(other.getBytes(StandardCharsets.US_ASCII));
                fragments += split ? 2 : 1;
            }
            out.flush();
            proxy.awaitOutQueue(T, keys.size() + fragments);
            if (reset) {
                s.setSoLinger(true, 0);
            }
        }
    }

    static String set(String key, String value, boolean noreply) {
        return "set " + key + " 0 0 " + value.length() + (noreply ? " noreply" : "") + "\r\n" + value + "\r\n";
    }

    static String block(String key, String value) {
        return "VALUE " + key + " 0 " + value.length() + "\r\n" + value + "\r\n";
    }

    static String hit(String key, String value) {
        return block(key, value) + "END\r\n";
    }
}
