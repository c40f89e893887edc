package io.walnut.core;

import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Server send's batch window ({@code --batch-window-us}): with many clients sending, a request that comes within
 * the window started by the loop's last write to its servers waits for the window's end, and the waiting requests
 * leave in one write; each client still gets its own reply. With few clients there is no window.
 */
class BatchWindowIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int MAX_WARM_ROUNDS = 20;
    private static final int MAX_MEASURED_ROUNDS = 5;
    private static final Pattern READS = Pattern.compile("total_reads_processed:(\\d+)");

    @Test
    void requestsWithinTheWindowWaitForItsEndAndLeaveTogether() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Duration window = Duration.ofMillis(300);
            int clients = 2 * Worker.BATCHING_MIN_CLIENTS;
            List<RespClient> connections = new ArrayList<>();
            try (RedisServerProcess redis = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("batched", FreePorts.loopback(),
                         List.of(), List.of("127.0.0.1:" + redis.port() + ":1 s1")), 1,
                         ProxyUnderTest.batchWindow((int) window.toNanos() / 1000));
                 RespClient admin = RespClient.connect(redis.port())) {
                for (int c = 0; c < clients; c++) {
                    connections.add(proxy.client());
                }
                // Every client sends at once, so that the proxy counts them as busy, until a round is held: its
                // write starts a window. The first rounds are too slow for that while this JVM and the proxy
                // compile.
                for (int round = 0; round < MAX_WARM_ROUNDS; round++) {
                    long roundStarted = System.nanoTime();
                    for (int c = 0; c < clients; c++) {
                        connections.get(c).send("SET", "k" + c, "v" + c);
                    }
                    for (RespClient c : connections) {
                        assertThat(c.readReply(T)).isEqualTo("OK");
                    }
                    if (Duration.ofNanos(System.nanoTime() - roundStarted).compareTo(window.dividedBy(2)) > 0) {
                        break;
                    }
                }
                // A round counts when the proxy saw every client within its activity period; on a loaded
                // machine (the test's own sends descheduled) it may not, and the next round is tried.
                List<String> rounds = new ArrayList<>();
                for (int attempt = 0; attempt < MAX_MEASURED_ROUNDS; attempt++) {
                    long readsBefore = reads(admin);
                    long started = System.nanoTime();
                    for (int c = 0; c < clients; c++) {
                        connections.get(c).send("GET", "k" + c);
                    }
                    for (int c = 0; c < clients; c++) {
                        assertThat(ProxyUnderTest.text(connections.get(c).readReply(T))).isEqualTo("v" + c);
                    }
                    Duration waited = Duration.ofNanos(System.nanoTime() - started);
                    long reads = reads(admin) - readsBefore - 1; // less the INFO that reads the count
                    if (waited.compareTo(window.dividedBy(2)) > 0 && reads <= 2) {
                        return; // held to the window's end, then one write (two if the window ended mid-round)
                    }
                    rounds.add(waited.toMillis() + " ms, " + reads + " server reads");
                }
                throw new AssertionError("no round of " + clients + " GETs was held to the window's end and sent in"
                        + " one write: " + rounds);
            } finally {
                connections.forEach(RespClient::close);
            }
        });
    }

    /**
     * A window that a write of split multi-key requests starts lasts {@link Worker#FRAGMENT_WINDOW_FACTOR} windows:
     * requests sent right after a round of MGETs came back wait well beyond one window.
     */
    @Test
    void aWindowThatFragmentsStartLastsLonger() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Duration window = Duration.ofMillis(300);
            int clients = 2 * Worker.BATCHING_MIN_CLIENTS;
            String[] mget = new String[11];
            mget[0] = "MGET";
            for (int k = 1; k < mget.length; k++) {
                mget[k] = "key" + k; // ten keys: both servers of the ketama pool get some
            }
            List<RespClient> connections = new ArrayList<>();
            try (RedisServerProcess a = RedisServerProcess.start(); RedisServerProcess b = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("split", FreePorts.loopback(),
                         List.of(), List.of("127.0.0.1:" + a.port() + ":1 s1", "127.0.0.1:" + b.port() + ":1 s2")),
                         1, ProxyUnderTest.batchWindow((int) window.toNanos() / 1000))) {
                for (int c = 0; c < clients; c++) {
                    connections.add(proxy.client());
                }
                List<String> rounds = new ArrayList<>();
                for (int round = 0; round < MAX_WARM_ROUNDS; round++) {
                    for (RespClient c : connections) {
                        c.send(mget);
                    }
                    for (RespClient c : connections) {
                        assertThat(c.readReply(T)).asList().hasSize(10);
                    }
                    // The MGETs' write started a window; these wait for its end.
                    long started = System.nanoTime();
                    for (RespClient c : connections) {
                        c.send("GET", "key1");
                    }
                    for (RespClient c : connections) {
                        c.readReply(T);
                    }
                    Duration waited = Duration.ofNanos(System.nanoTime() - started);
                    if (waited.compareTo(window.multipliedBy(3).dividedBy(2)) > 0) {
                        return;
                    }
                    rounds.add(waited.toMillis() + " ms");
                }
                throw new AssertionError("no GETs after a round of " + clients + " MGETs waited 1.5 windows of "
                        + window.toMillis() + " ms: " + rounds);
            } finally {
                connections.forEach(RespClient::close);
            }
        });
    }

    @Test
    void aLoneClientsRequestsLeaveAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            try (RedisServerProcess redis = RedisServerProcess.start();
                 ProxyUnderTest proxy = ProxyUnderTest.start(ProxyUnderTest.yaml("lone", FreePorts.loopback(),
                         List.of(), List.of("127.0.0.1:" + redis.port() + ":1 s1")), 1,
                         ProxyUnderTest.batchWindow(5_000_000));
                 RespClient c = proxy.client()) {
                long started = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    assertThat(c.call(T, "SET", "k" + i, "v" + i)).isEqualTo("OK");
                }
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .as("20 requests, each of which a 5 s window would hold").isLessThan(Duration.ofSeconds(5));
            }
        });
    }

    private static long reads(RespClient redis) {
        Matcher m = READS.matcher(String.valueOf(ProxyUnderTest.text(redis.call(T, "INFO", "stats"))));
        assertThat(m.find()).as("redis reports total_reads_processed").isTrue();
        return Long.parseLong(m.group(1));
    }
}
