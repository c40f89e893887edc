package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.walnut.core.ProxyUnderTest.err;
import static io.walnut.core.ProxyUnderTest.text;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A server that stops answering (SIGSTOP): with {@code timeout}, every request on its connection fails with
 * {@code Connection timed out} in its turn (reference 8.4); and a client that leaves while its requests are at a
 * stopped server does not put the server connection out of step (8.5).
 */
class ServerTimeoutIT {
    private static final Duration T = Duration.ofSeconds(5);
    private static final RespClient.Error TIMED_OUT = err("Connection timed out");

    @Test
    void aStoppedServerTimesOutEveryRequestOnItsConnectionInOrder() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (RedisServerProcess stopped = RedisServerProcess.start();
                 RedisServerProcess live = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("timing", FreePorts.loopback(),
                         List.of("timeout: 300", "auto_eject_hosts: false"),
                         List.of("127.0.0.1:" + stopped.port() + ":1 s1", "127.0.0.1:" + live.port() + ":1 s2")), 1);
                 RespClient c = proxy.client()) {
                int s = proxy.serverOnPort(stopped.port());
                Placement placement = proxy.placement();
                String b1 = ProxyUnderTest.keyOn(placement, s, "b1:");
                String b2 = ProxyUnderTest.keyOn(placement, s, "b2:");
                String l = ProxyUnderTest.keyOn(placement, 1 - s, "l:");
                for (String k : List.of(b1, b2, l)) {
                    assertThat(c.call(T, "SET", k, "v-" + k)).isEqualTo("OK");
                }

                stopped.pause();
                long t0 = System.nanoTime();
                c.send("GET", b1).send("GET", l).send("GET", b2);
                assertThat(c.readReply(T)).isEqualTo(TIMED_OUT);
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                assertThat(text(c.readReply(T))).isEqualTo("v-" + l);
                assertThat(c.readReply(T)).isEqualTo(TIMED_OUT);
                assertThat(elapsedMs).as("ms until the timeout error").isBetween(250L, 3000L);
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).as("one connection timed out once")
                        .isEqualTo(1);
                assertThat(proxy.server(1 - s, ServerMetric.SERVER_TIMEDOUT)).isZero();

                // Still stopped: the next request opens a new connection (the kernel accepts) and times out too.
                assertThat(c.call(T, "SET", b1, "lost")).isEqualTo(TIMED_OUT);
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(2);
                // A multi-key request with a fragment there fails whole.
                assertThat(c.call(T, "MGET", l, b2)).isEqualTo(TIMED_OUT);
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(3);
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isEqualTo(4);

                stopped.resume();
                // The stopped server now answers the timed-out requests on sockets the proxy has closed: none of
                // those answers may reach a later request.
                for (int round = 0; round < 3; round++) {
                    c.send("GET", b2).send("GET", l).send("GET", b1).send("GET", "absent:" + round);
                    assertThat(text(c.readReply(T))).isEqualTo("v-" + b2);
                    assertThat(text(c.readReply(T))).isEqualTo("v-" + l);
                    assertThat(text(c.readReply(T))).as("a SET that timed out may have been applied")
                            .isIn("v-" + b1, "lost");
                    assertThat(c.readReply(T)).isNull();
                }
                assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(3);
                assertThat(proxy.server(s, ServerMetric.OUT_QUEUE)).isZero();

                // Two clients on one server connection: each gets its own errors, in its own order.
                try (RespClient other = proxy.client()) {
                    stopped.pause();
                    c.send("GET", b1);
                    other.send("GET", l).send("GET", b2);
                    c.send("GET", l);
                    assertThat(c.readReply(T)).isEqualTo(TIMED_OUT);
                    assertThat(text(c.readReply(T))).isEqualTo("v-" + l);
                    assertThat(text(other.readReply(T))).isEqualTo("v-" + l);
                    assertThat(other.readReply(T)).isEqualTo(TIMED_OUT);
                    assertThat(proxy.server(s, ServerMetric.SERVER_TIMEDOUT)).as("one connection, one timeout")
                            .isEqualTo(4);
                    stopped.resume();
                    assertThat(text(other.call(T, "GET", b2))).isEqualTo("v-" + b2);
                }
            }
        });
    }

    @Test
    void aClientLeavingWithRequestsAtAStoppedServerLeavesTheConnectionInStep() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (LeakWatch leaks = new LeakWatch();
                 RedisServerProcess server = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("leaving", FreePorts.loopback(),
                         List.of(), List.of("127.0.0.1:" + server.port() + ":1 s1")), 1)) {
                try (RespClient c = proxy.client()) {
                    for (int i = 0; i < 100; i++) {
                        c.send("SET", "k" + i, "v" + i);
                    }
                    for (int i = 0; i < 100; i++) {
                        assertThat(c.readReply(T)).isEqualTo("OK");
                    }
                }
                for (boolean reset : new boolean[] {true, false}) {
                    server.pause();
                    leaveWithRequestsOut(proxy, reset);
                    if (reset) {
                        proxy.awaitNoClient(T); // a half-closed client (FIN) is kept until its replies are written
                    }
                    server.resume();
                    try (RespClient next = proxy.client()) {
                        for (int i = 99; i >= 0; i--) {
                            next.send("GET", "k" + i);
                        }
                        for (int i = 99; i >= 0; i--) {
                            assertThat(text(next.readReply(T))).as("GET k%d (reset: %s)", i, reset).isEqualTo("v" + i);
                        }
                    }
                    proxy.awaitNoClient(T);
                    assertThat(proxy.server(0, ServerMetric.OUT_QUEUE)).isZero();
                    assertThat(proxy.server(0, ServerMetric.IN_QUEUE)).isZero();
                }
                assertThat(proxy.server(0, ServerMetric.SERVER_ERR) + proxy.server(0, ServerMetric.SERVER_EOF))
                        .as("the server connection never failed").isZero();
                leaks.assertNoLeakReported();
            }
        });
    }

    /**
     * A pipeline longer than the proxy's read pause mark, all to a stopped server: reading pauses, the timeout
     * fails what is out, reading resumes, and in the end every request gets its error, in order.
     */
    @Test
    void aLongPipelineToAStoppedServerIsAnsweredInFull() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            int requests = ClientConnection.PAUSE_AT * 2 + 100;
            try (RedisServerProcess server = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("long", FreePorts.loopback(),
                         List.of("timeout: 300"), List.of("127.0.0.1:" + server.port() + ":1 s1")), 1);
                 RespClient c = proxy.client()) {
                server.pause();
                byte[] get = RespClient.encode("GET".getBytes(US_ASCII), "k".getBytes(US_ASCII));
                // Written from another thread (send touches only the output stream): the proxy stops reading
                // until replies are read, so one thread doing both would wait on itself.
                Thread writer = new Thread(() -> {
                    for (int i = 0; i < requests; i++) {
                        c.send(get);
                    }
                }, "long-pipeline-writer");
                writer.start();
                for (int i = 0; i < requests; i++) {
                    assertThat(c.readReply(T)).as("reply %d", i).isEqualTo(TIMED_OUT);
                }
                writer.join(T.toMillis());
                assertThat(writer.isAlive()).isFalse();
                server.resume();
                assertThat(c.call(T, "SET", "k", "v")).isEqualTo("OK");
            }
        });
    }

    /** {@code timeout} covers the connect too: a server whose accept queue is full times a request out. */
    @Test
    void aConnectThatHangsTimesOut() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<Socket> filling = new ArrayList<>();
            try (RedisServerProcess server = RedisServerProcess.builder().args("--tcp-backlog", "1").start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("hanging", FreePorts.loopback(),
                         List.of("timeout: 300"), List.of("127.0.0.1:" + server.port() + ":1 s1")), 1);
                 RespClient c = proxy.client()) {
                server.pause();
                try {
                    for (int i = 0; i < 10; i++) {
                        Socket s = new Socket();
                        filling.add(s);
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 200);
                    }
                    throw new AssertionError("the accept queue never filled");
                } catch (SocketTimeoutException full) {
                    // the kernel now drops SYNs to this port: a connect hangs
                }
                long t0 = System.nanoTime();
                assertThat(c.call(T, "GET", "k")).isEqualTo(TIMED_OUT);
                assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the timeout").isBetween(250L, 3000L);
                assertThat(proxy.server(0, ServerMetric.SERVER_TIMEDOUT)).isEqualTo(1);
                assertThat(proxy.server(0, ServerMetric.SERVER_CONNECTIONS)).as("never connected").isZero();
                for (Socket s : filling) {
                    s.close();
                }
                server.resume();
                // A SYN dropped just before the queue drained is sent again only after a second: retry.
                long deadline = System.nanoTime() + T.toNanos();
                Object reply = c.call(T, "SET", "k", "v");
                while (TIMED_OUT.equals(reply) && System.nanoTime() < deadline) {
                    reply = c.call(T, "SET", "k", "v");
                }
                assertThat(reply).isEqualTo("OK");
            } finally {
                for (Socket s : filling) {
                    s.close();
                }
            }
        });
    }

    /**
     * Requests of a client that left time out unseen: no error is written, so none is counted as a forwarding
     * error (twemproxy counts {@code forward_error} as it writes an error reply).
     */
    @Test
    void requestsOfAClientThatLeftTimeOutUncounted() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (RedisServerProcess server = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("unseen", FreePorts.loopback(),
                         List.of("timeout: 300"), List.of("127.0.0.1:" + server.port() + ":1 s1")), 1)) {
                server.pause();
                leaveWithRequestsOut(proxy, true);
                Await.until(T, () -> proxy.server(0, ServerMetric.SERVER_TIMEDOUT) > 0, "the requests timed out");
                assertThat(proxy.pool(PoolMetric.FORWARD_ERROR)).isZero();
                assertThat(proxy.server(0, ServerMetric.OUT_QUEUE)).isZero();
                server.resume();
                try (RespClient c = proxy.client()) {
                    assertThat(c.call(T, "SET", "k", "v")).isEqualTo("OK");
                    assertThat(text(c.call(T, "GET", "k"))).isEqualTo("v");
                }
            }
        });
    }

    /**
     * Sends 100 GETs for k0..k99, waits until the proxy has written them to the server, and leaves: with a reset
     * (RST) or an ordinary close (FIN).
     */
    private static void leaveWithRequestsOut(ProxyUnderTest proxy, boolean reset) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 100; i++) {
                out.write(RespClient.encode("GET".getBytes(US_ASCII),
                        ("k" + i).getBytes(US_ASCII)));
            }
            out.flush();
            proxy.awaitOutQueue(T, 100);
            if (reset) {
                s.setSoLinger(true, 0);
            }
        }
    }
}
