package io.walnut.core;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Await;
import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A client that writes far more than it reads must not make the proxy buffer without bound: the proxy stops
 * reading it, so its writes stall with only a few thousand requests taken. And a client that leaves with requests
 * in flight must not disturb the replies of the next client on the same server connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackpressureIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int VALUE_SIZE = 4096;
    private static final int KEYS = 16;
    private static final int REQUESTS = 200_000;
    /** The pause mark plus one read's worth, with room to spare; far below {@link #REQUESTS}. */
    private static final long MAX_TAKEN_WHILE_STALLED = 2L * ClientConnection.PAUSE_AT;
    /** The proxy's pooled memory while stalled: a few thousand 4 KiB replies, not 800 MiB of them. */
    private static final long MAX_DIRECT_MEMORY_WHILE_STALLED = 128L << 20;

    private RedisBackends backends;
    private InProcessWalnut walnut;
    private int port;

    @BeforeAll
    void start() {
        backends = RedisBackends.start(1);
        port = FreePorts.loopback();
        // One event loop, so every client shares one server connection.
        walnut = InProcessWalnut.start("alpha:\n  listen: 127.0.0.1:" + port + "\n  redis: true\n"
                + backends.serversYaml());
        try (RespClient c = RespClient.connect(port)) {
            for (int k = 0; k < KEYS; k++) {
                assertThat(c.call(T, "SET", key(k), new String(value(k), StandardCharsets.ISO_8859_1))).isEqualTo("OK");
            }
        }
    }

    @AfterAll
    void stop() {
        walnut.close();
        backends.close();
    }

    /** Long keys, so the requests (about 25 MiB) are far more than socket buffers hold. */
    private static String key(int k) {
        return "backpressure:" + "k".repeat(100) + ":" + k;
    }

    private static byte[] value(int k) {
        byte[] v = new byte[VALUE_SIZE];
        Arrays.fill(v, (byte) ('a' + k));
        return v;
    }

    private static byte[] reply(int k) {
        ByteArrayOutputStream r = new ByteArrayOutputStream();
        r.writeBytes(("$" + VALUE_SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
        r.writeBytes(value(k));
        r.writeBytes(new byte[] {'\r', '\n'});
        return r.toByteArray();
    }

    private static byte[] get(int k) {
        return RespClient.encode("GET".getBytes(StandardCharsets.US_ASCII), key(k).getBytes(StandardCharsets.US_ASCII));
    }

    private long requestsTaken() {
        return walnut.proxy().snapshot().servers()[0][0][ServerMetric.REQUESTS.ordinal()];
    }

    @Test
    void aClientThatDoesNotReadIsNotReadEither() {
        assertTimeoutPreemptively(Duration.ofSeconds(45), () -> {
            long takenBefore = requestsTaken();
            byte[][] requests = new byte[KEYS][];
            byte[][] replies = new byte[KEYS][];
            for (int k = 0; k < KEYS; k++) {
                requests[k] = get(k);
                replies[k] = reply(k);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), (int) T.toMillis());
                socket.setSoTimeout((int) T.toMillis());
                AtomicLong written = new AtomicLong();
                OutputStream out = socket.getOutputStream();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < REQUESTS; i++) {
                            out.write(requests[i % KEYS]);
                            written.incrementAndGet();
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException("writing request " + written.get(), e);
                    }
                });
                awaitStall(written, writer);
                long taken = requestsTaken() - takenBefore;
                assertThat(written.get()).as("requests written before the stall").isLessThan(REQUESTS);
                assertThat(taken).as("requests the proxy took while the client did not read")
                        .isLessThan(MAX_TAKEN_WHILE_STALLED);
                assertThat(directMemoryInUse())
                        .as("the proxy's pooled direct memory while stalled")
                        .isLessThan(MAX_DIRECT_MEMORY_WHILE_STALLED);

                // Now read: every reply arrives, in order, and the writer gets to the end.
                InputStream in = socket.getInputStream();
                byte[] got = new byte[replies[0].length];
                for (int i = 0; i < REQUESTS; i++) {
                    if (in.readNBytes(got, 0, got.length) != got.length) {
                        throw new AssertionError("the connection closed after " + i + " replies");
                    }
                    if (!Arrays.equals(got, replies[i % KEYS])) {
                        throw new AssertionError("reply " + i + " is not the value of key " + (i % KEYS) + ": "
                                + RespClient.printable(Arrays.copyOf(got, 16)));
                    }
                }
                writer.get(T.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Large values for a server that stopped answering: far fewer requests than the count mark, but the bytes
     * the proxy holds for them are bounded too, so it stops reading after a few MiB, not hundreds.
     */
    @Test
    void largeValuesForAStalledServerAreBoundedInBytes() {
        assertTimeoutPreemptively(Duration.ofSeconds(45), () -> {
            int slowPort = FreePorts.loopback();
            int sets = 200;
            byte[] set = RespClient.encode("SET".getBytes(StandardCharsets.US_ASCII),
                    "big".getBytes(StandardCharsets.US_ASCII), new byte[1 << 20]);
            try (RedisServerProcess slow = RedisServerProcess.start();
                 InProcessWalnut proxy = InProcessWalnut.start("slow:\n  listen: 127.0.0.1:" + slowPort
                         + "\n  redis: true\n  servers:\n   - 127.0.0.1:" + slow.port() + ":1\n");
                 Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", slowPort), (int) T.toMillis());
                socket.setSoTimeout((int) T.toMillis());
                slow.pause();
                AtomicLong written = new AtomicLong();
                OutputStream out = socket.getOutputStream();
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < sets; i++) {
                            out.write(set);
                            written.incrementAndGet();
                        }
                        out.flush();
                    } catch (IOException e) {
                        throw new IllegalStateException("writing SET " + written.get(), e);
                    }
                });
                try {
                    awaitStall(written, writer);
                    long taken = proxy.proxy().snapshot().servers()[0][0][ServerMetric.REQUESTS.ordinal()];
                    assertThat(sets).as("far below the count mark").isLessThan(ClientConnection.PAUSE_AT);
                    assertThat(taken).as("1 MiB requests taken while the server did not answer")
                            .isLessThan(3 * (ClientConnection.PAUSE_AT_BYTES >> 20));
                    assertThat(directMemoryInUse()).as("the proxy's pooled direct memory while stalled")
                            .isLessThan(64L << 20);
                } finally {
                    slow.resume();
                }
                InputStream in = socket.getInputStream();
                byte[] ok = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < sets; i++) {
                    assertThat(in.readNBytes(ok.length)).as("reply %d", i).isEqualTo(ok);
                }
                writer.get(T.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Direct memory the proxy's allocators hold: the channels' default one (reads) and the pooled one (merges). */
    private static long directMemoryInUse() {
        long used = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT
                && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider) {
            used += ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
        }
        return used;
    }

    /** Waits until the writer has made no progress for a while, short of writing everything. */
    private static void awaitStall(AtomicLong written, CompletableFuture<Void> writer) throws InterruptedException {
        long last = -1;
        long unchangedSince = System.nanoTime();
        long deadline = System.nanoTime() + T.toNanos();
        while (System.nanoTime() - unchangedSince < TimeUnit.MILLISECONDS.toNanos(500)) {
            assertThat(writer).as("the writer wrote all %d requests without being held back", REQUESTS).isNotDone();
            assertThat(System.nanoTime()).as("writes did not stall within %s", T).isLessThan(deadline);
            long now = written.get();
            if (now != last) {
                last = now;
                unchangedSince = System.nanoTime();
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aClientLeavingWithRequestsInFlightDoesNotDisturbTheNext() {
        long fragmentsBefore = walnut.proxy().snapshot().pools()[0][PoolMetric.FRAGMENTS.ordinal()];
        for (int round = 0; round < 20; round++) {
            try (Socket leaving = new Socket()) {
                leaving.connect(new InetSocketAddress("127.0.0.1", port), (int) T.toMillis());
                ByteArrayOutputStream burst = new ByteArrayOutputStream();
                for (int i = 0; i < 2000; i++) {
                    // Every tenth an MGET, so that split requests are left behind too.
                    burst.writeBytes(i % 10 == 9 ? RespClient.encode("MGET".getBytes(StandardCharsets.US_ASCII),
                            key(i % KEYS).getBytes(StandardCharsets.US_ASCII), "nokey".getBytes(StandardCharsets.US_ASCII))
                            : get(i % KEYS));
                }
                leaving.getOutputStream().write(burst.toByteArray());
                leaving.setSoLinger(true, 0); // a reset, at once, with its replies still coming
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            try (RespClient next = RespClient.connect(port)) {
                for (int i = 0; i < 50; i++) {
                    String mine = "next:" + round + ":" + i;
                    next.send("SET", mine, mine).send("GET", key(i % KEYS)).send("GET", mine);
                    assertThat(next.readReply(T)).isEqualTo("OK");
                    assertThat(next.readRawReply(T)).isEqualTo(reply(i % KEYS));
                    assertThat((byte[]) next.readReply(T)).isEqualTo(mine.getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        Await.until(T, () -> walnut.proxy().snapshot().servers()[0][0][ServerMetric.OUT_QUEUE.ordinal()] == 0,
                "every swallowed reply is read off the server connection");
        assertThat(walnut.proxy().snapshot().pools()[0][PoolMetric.FRAGMENTS.ordinal()] - fragmentsBefore)
                .as("MGETs the leaving clients sent").isPositive();
    }

    @Test
    void aHalfClosedClientGetsEveryReplyThenTheClose() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) T.toMillis());
            socket.setSoTimeout((int) T.toMillis());
            ByteArrayOutputStream requests = new ByteArrayOutputStream();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int i = 0; i < 100; i++) {
                requests.writeBytes(get(i % KEYS));
                expected.writeBytes(reply(i % KEYS));
            }
            socket.getOutputStream().write(requests.toByteArray());
            socket.shutdownOutput();
            byte[] all = socket.getInputStream().readAllBytes();
            assertThat(all).isEqualTo(expected.toByteArray());
        }
    }
}
