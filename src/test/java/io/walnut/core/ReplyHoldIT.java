package io.walnut.core;

import io.walnut.dist.Placement;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Await;
import io.walnut.testing.Bytes;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.walnut.core.ProxyUnderTest.text;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Client send's reply hold ({@code --reply-hold-us}): the ready replies of one client read wait, while small, for
 * the rest of that read, so that a pipeline's replies leave together; never longer than the hold. One server is
 * stopped (SIGSTOP) to keep the rest of the read unanswered for as long as a test needs.
 */
class ReplyHoldIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int MINUTE_MICROS = 60_000_000;

    @Test
    void readyRepliesWaitForTheRestOfTheirRead() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = Pair.start(MINUTE_MICROS); RespClient c = pair.proxy.client()) {
                pair.stopped.pause();
                c.send(pipeline(pair.live, pair.onStopped));
                pair.awaitLiveAnswered();
                assertThatThrownBy(() -> c.readReply(Duration.ofMillis(300)))
                        .as("the live server's reply waits for the stopped one's")
                        .hasMessageContaining("no complete reply");
                pair.stopped.resume();
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.live);
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.onStopped);
            }
        });
    }

    @Test
    void noReplyWaitsLongerThanTheHold() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Duration hold = Duration.ofMillis(300);
            try (Pair pair = Pair.start((int) hold.toNanos() / 1000); RespClient c = pair.proxy.client()) {
                pair.stopped.pause();
                long sent = System.nanoTime();
                c.send(pipeline(pair.live, pair.onStopped));
                assertThat(text(c.readReply(T))).as("written while the other server is still stopped")
                        .isEqualTo("v-" + pair.live);
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(hold);
                pair.stopped.resume();
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.onStopped);
            }
        });
    }

    @Test
    void largeReadyRepliesDoNotWait() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = Pair.start(MINUTE_MICROS); RespClient c = pair.proxy.client()) {
                String large = "x".repeat(ClientConnection.HOLD_REPLIES_BELOW);
                assertThat(c.call(T, "SET", pair.live, large)).isEqualTo("OK");
                pair.stopped.pause();
                c.send(pipeline(pair.live, pair.onStopped));
                assertThat(text(c.readReply(T))).isEqualTo(large);
                pair.stopped.resume();
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.onStopped);
            }
        });
    }

    @Test
    void aHoldOfZeroWritesReadyRepliesAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (Pair pair = Pair.start(0); RespClient c = pair.proxy.client()) {
                pair.stopped.pause();
                c.send(pipeline(pair.live, pair.onStopped));
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.live);
                pair.stopped.resume();
                assertThat(text(c.readReply(T))).isEqualTo("v-" + pair.onStopped);
            }
        });
    }

    /** GETs of {@code keys} in one write, so that the proxy reads them together. */
    private static byte[] pipeline(String... keys) {
        byte[][] commands = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            commands[i] = RespClient.encode("GET".getBytes(UTF_8), keys[i].getBytes(UTF_8));
        }
        return Bytes.concat(commands);
    }

    /** Two redis servers behind a proxy with a reply hold, and a key on each holding {@code "v-" + key}. */
    private record Pair(RedisServerProcess liveServer, RedisServerProcess stopped, ProxyUnderTest proxy,
                        int liveIndex, String live, String onStopped) implements AutoCloseable {

        static Pair start(int replyHoldMicros) throws Exception {
            RedisServerProcess live = RedisServerProcess.start();
            RedisServerProcess stopped = RedisServerProcess.start();
            ProxyUnderTest proxy = null;
            try {
                proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("held", FreePorts.loopback(),
                        List.of("auto_eject_hosts: false"),
                        List.of("127.0.0.1:" + live.port() + ":1 s1", "127.0.0.1:" + stopped.port() + ":1 s2")), 1,
                        new WriteBatching(0, replyHoldMicros));
                int liveIndex = proxy.serverOnPort(live.port());
                Placement placement = proxy.placement();
                Pair pair = new Pair(live, stopped, proxy, liveIndex, ProxyUnderTest.keyOn(placement, liveIndex, "l:"),
                        ProxyUnderTest.keyOn(placement, proxy.serverOnPort(stopped.port()), "s:"));
                try (RespClient c = proxy.client()) {
                    for (String key : List.of(pair.live, pair.onStopped)) {
                        assertThat(c.call(T, "SET", key, "v-" + key)).isEqualTo("OK");
                    }
                }
                return pair;
            } catch (Exception | AssertionError e) {
                if (proxy != null) {
                    proxy.close();
                }
                stopped.close();
                live.close();
                throw e;
            }
        }

        /** Waits until the proxy has read the live server's reply to the pipeline. */
        void awaitLiveAnswered() {
            long responses = 2; // the SET of start() and the pipeline's GET
            Await.until(T, () -> proxy.server(liveIndex, ServerMetric.RESPONSES) == responses,
                    "the live server answered");
        }

        @Override
        public void close() throws Exception {
            try {
                proxy.close();
            } finally {
                stopped.close();
                liveServer.close();
            }
        }
    }
}
