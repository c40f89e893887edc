package io.walnut.core;

import io.walnut.stats.PoolMetric;
import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Two hundred clients at once on a two-loop Walnut, each pipelining batches of SET, GET, INCR and MGET over its
 * own keys: every reply must answer its own request, never another client's or another request's.
 */
class ConcurrentClientsIT {
    private static final int CLIENTS = 200;
    private static final int BATCHES = 5;
    /** Keys per client; each key takes four requests per batch, so a batch is 100 requests. */
    private static final int KEYS = 25;
    private static final Duration REPLY_BOUND = Duration.ofSeconds(20);
    private static final Duration WHOLE_TEST_BOUND = Duration.ofSeconds(60);

    @Test
    void everyReplyAnswersItsOwnRequest() {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(3);
             InProcessWalnut walnut = InProcessWalnut.start("alpha:\n  listen: 127.0.0.1:" + port
                     + "\n  hash: md5\n  distribution: ketama\n  redis: true\n" + backends.serversYaml(), 2)) {
            List<RespClient> clients = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(RespClient.connect(port));
                }
                Await.until(REPLY_BOUND, () -> clientConnections(walnut) == CLIENTS, "the proxy accepts every client");
                assertTimeoutPreemptively(WHOLE_TEST_BOUND, () -> {
                    List<Future<?>> done = new ArrayList<>();
                    for (int c = 0; c < CLIENTS; c++) {
                        int id = c;
                        RespClient client = clients.get(c);
                        done.add(pool.submit(() -> converse(id, client)));
                    }
                    for (Future<?> f : done) {
                        f.get();
                    }
                });
            } finally {
                pool.shutdownNow();
                clients.forEach(RespClient::close);
            }
        }
    }

    private static long clientConnections(InProcessWalnut walnut) {
        return walnut.proxy().snapshot().pools()[0][PoolMetric.CLIENT_CONNECTIONS.ordinal()];
    }

    private static String key(int client, int i) {
        return "client:" + client + ":key:" + i;
    }

    private static String value(int client, int i, int batch) {
        return "value:" + client + ":" + i + ":" + batch;
    }

    /** One client's batches: each written in one go, then its replies read and checked in order. */
    private static void converse(int id, RespClient client) {
        String counter = "client:" + id + ":counter";
        String missing = "client:" + id + ":missing";
        for (int b = 0; b < BATCHES; b++) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                batch.writeBytes(encode("SET", key(id, i), value(id, i, b)));
                expected.add("OK");
                batch.writeBytes(encode("GET", key(id, i)));
                expected.add(value(id, i, b));
                batch.writeBytes(encode("INCR", counter));
                expected.add((long) (b * KEYS + i + 1));
                int other = (i + 7) % KEYS;
                batch.writeBytes(encode("MGET", key(id, i), key(id, other), missing));
                // The other key was set earlier in this batch, or in the batch before, or not yet.
                String otherValue = other <= i ? value(id, other, b) : b > 0 ? value(id, other, b - 1) : null;
                expected.add(Arrays.asList(value(id, i, b), otherValue, null));
            }
            client.send(batch.toByteArray());
            for (int r = 0; r < expected.size(); r++) {
                Object reply = readable(client.readReply(REPLY_BOUND));
                assertThat(reply).as("client %d, batch %d, reply %d", id, b, r).isEqualTo(expected.get(r));
            }
        }
    }

    private static byte[] encode(String... args) {
        byte[][] raw = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            raw[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return RespClient.encode(raw);
    }

    /** Bulk strings as text, recursively, so replies compare with the expected values. */
    private static Object readable(Object reply) {
        if (reply instanceof byte[]) {
            return new String((byte[]) reply, StandardCharsets.UTF_8);
        }
        if (reply instanceof List<?>) {
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) reply) {
                out.add(readable(o));
            }
            return out;
        }
        return reply;
    }
}
