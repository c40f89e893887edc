package io.walnut.core;

import io.walnut.Walnut;
import io.walnut.config.ConfigLoader;
import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.Placement;
import io.walnut.stats.PoolMetric;
import io.walnut.stats.ServerMetric;
import io.walnut.testing.Await;
import io.walnut.testing.MemcacheClient;
import io.walnut.testing.RespClient;
import io.walnut.testing.TransportUnderTest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;

/**
 * A Walnut proxy in this JVM, built from YAML text through the same loader and protocol choice as the launcher,
 * with one pool (Redis from {@link #yaml}, memcached from {@link #memcacheYaml}).
 * Failure tests read its stats with {@link Proxy#snapshot()} and predict where keys go with {@link #placement}.
 * One test thread uses an instance; close it to stop the proxy.
 */
final class ProxyUnderTest implements AutoCloseable {
    private final Path file;
    private final PoolConfig pool;
    private final Proxy proxy;

    private ProxyUnderTest(Path file, PoolConfig pool, Proxy proxy) {
        this.file = file;
        this.pool = pool;
        this.proxy = proxy;
    }

    /** Starts a proxy for {@code yaml} (one pool) on {@code threads} event loops. */
    static ProxyUnderTest start(String yaml, int threads) throws Exception {
        return start(yaml, threads, WriteBatching.defaults(TransportUnderTest.get()));
    }

    /** As {@link #start(String, int)}, with write batching of its own ({@code --batch-window-us} and so on). */
    static ProxyUnderTest start(String yaml, int threads, WriteBatching batching) throws Exception {
        return start(yaml, TransportUnderTest.get(), threads, batching);
    }

    /** Write batching with server send's window at {@code micros} and the default reply hold. */
    static WriteBatching batchWindow(int micros) {
        return new WriteBatching(micros, WriteBatching.DEFAULT_REPLY_HOLD_MICROS);
    }

    /** As {@link #start(String, int, WriteBatching)}, over {@code transport} ({@code --transport}). */
    static ProxyUnderTest start(String yaml, Transport transport, int threads, WriteBatching batching)
            throws Exception {
        Path file = Files.createTempFile("walnut-failures-", ".yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        ProxyConfig config = ConfigLoader.load(file);
        Proxy proxy = new Proxy(config, transport, threads, batching, 16384, Walnut::protocolFor);
        try {
            proxy.start();
        } catch (Exception e) {
            proxy.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return new ProxyUnderTest(file, config.pools().get(0), proxy);
    }

    /**
     * One pool's YAML: {@code name}, listening on {@code listen}, with {@code settings} lines (each like
     * {@code "timeout: 300"}) and one server per {@code "host:port:weight name"} text.
     */
    static String yaml(String name, int listen, List<String> settings, List<String> servers) {
        return yaml(name, listen, true, settings, servers);
    }

    /** As {@link #yaml}, for a memcached pool. */
    static String memcacheYaml(String name, int listen, List<String> settings, List<String> servers) {
        return yaml(name, listen, false, settings, servers);
    }

    private static String yaml(String name, int listen, boolean redis, List<String> settings, List<String> servers) {
        StringBuilder y = new StringBuilder(name).append(":\n  listen: 127.0.0.1:").append(listen)
                .append("\n  hash: fnv1a_64\n  distribution: ketama\n  redis: ").append(redis).append('\n');
        for (String s : settings) {
            y.append("  ").append(s).append('\n');
        }
        y.append("  servers:\n");
        for (String s : servers) {
            y.append("   - ").append(s).append('\n');
        }
        return y.toString();
    }

    int port() {
        return pool.listen().tcp().getPort();
    }

    PoolConfig pool() {
        return pool;
    }

    /** The index (sorted as twemproxy sorts) of the server listening on {@code port}. */
    int serverOnPort(int port) {
        return pool.servers().stream().filter(s -> s.port() == port).findFirst().orElseThrow().index();
    }

    /** Where keys go with every server live, or with {@code ejected} left out. */
    Placement placement(int... ejected) {
        List<ServerSpec> servers = pool.servers();
        BitSet live = new BitSet();
        live.set(0, servers.size());
        for (int e : ejected) {
            live.clear(e);
        }
        return Placement.of(pool.hash(), pool.hashTag(), pool.distribution(), servers, live);
    }

    /** The first key {@code prefix + i} that {@code placement} puts on {@code server}. */
    static String keyOn(Placement placement, int server, String prefix) {
        for (int i = 0; i < 100_000; i++) {
            String key = prefix + i;
            if (placement.serverIndex(key.getBytes(StandardCharsets.UTF_8)) == server) {
                return key;
            }
        }
        throw new IllegalStateException("no key for server " + server);
    }

    long server(int server, ServerMetric metric) {
        return proxy.snapshot().servers()[0][server][metric.ordinal()];
    }

    long pool(PoolMetric metric) {
        return proxy.snapshot().pools()[0][metric.ordinal()];
    }

    /** {@code metric} summed over the pool's servers. */
    long allServers(ServerMetric metric) {
        long sum = 0;
        for (long[] server : proxy.snapshot().servers()[0]) {
            sum += server[metric.ordinal()];
        }
        return sum;
    }

    /** Waits until {@code requests} requests are written to the servers and await their replies. */
    void awaitOutQueue(Duration bound, long requests) {
        Await.until(bound, () -> allServers(ServerMetric.OUT_QUEUE) == requests,
                requests + " requests written to the servers");
    }

    /** Waits until the proxy has noticed its clients leave and dropped the requests they had not sent on. */
    void awaitNoClient(Duration bound) {
        Await.until(bound, () -> pool(PoolMetric.CLIENT_CONNECTIONS) == 0 && allServers(ServerMetric.IN_QUEUE) == 0,
                "the proxy noticed the client leave");
    }

    Proxy proxy() {
        return proxy;
    }

    RespClient client() {
        return RespClient.connect(port());
    }

    MemcacheClient memcacheClient() {
        return MemcacheClient.connect(port());
    }

    /** A bulk reply as text (null for nil); anything else as it came, for assertions that show it. */
    static Object text(Object reply) {
        return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply;
    }

    static RespClient.Error err(String reason) {
        return new RespClient.Error("ERR " + reason);
    }

    /** Sleeps; tests use it only to let a configured retry time pass. */
    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
