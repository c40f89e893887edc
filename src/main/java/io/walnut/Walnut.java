package io.walnut;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.core.Proxy;
import io.walnut.core.WriteBatching;
import io.walnut.proto.Protocol;
import io.walnut.proto.memcache.MemcacheProtocol;
import io.walnut.proto.redis.RedisProtocol;
import io.walnut.stats.PrometheusCollector;
import io.walnut.stats.StatsJson;
import io.walnut.stats.StatsServer;
import io.walnut.stats.StatsSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The running proxy: event loops, pool listeners, the stats server and, with {@code --metrics-port}, the
 * Prometheus endpoint. {@link #start} returns a running instance (tests use it in-process); {@link #run} is the
 * command's life: start, handle signals, wait for a stop, close.
 */
public final class Walnut implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Walnut.class);

    private final Proxy proxy;
    private final StatsServer stats;
    private final HTTPServer metrics;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Walnut(Proxy proxy, StatsServer stats, HTTPServer metrics) {
        this.proxy = proxy;
        this.stats = stats;
        this.metrics = metrics;
    }

    /**
     * Binds every pool, the stats port and, when {@code options.metricsPort()} is set, the metrics port; on any
     * failure what was opened is closed again and the error thrown.
     */
    public static Walnut start(LaunchOptions options, ProxyConfig config) throws IOException, InterruptedException {
        log.info("configuration '{}' loaded: {} pool(s)", options.confFile(), config.pools().size());
        long startedAt = System.currentTimeMillis();
        Proxy proxy = new Proxy(config, options.transport(), options.threads(),
                new WriteBatching(options.batchWindowUs(), options.replyHoldUs()), options.mbufSize(),
                Walnut::protocolFor);
        StatsServer stats = null;
        try {
            proxy.preconnect();
            proxy.warmUp(options.warmupMs());
            proxy.start();
            String source = hostname();
            // twemproxy aggregates every -i ms, so its values lag by up to an interval or two (reference 3.2).
            // Walnut sums each event loop's counters when a stats client connects, so the values are always
            // current and -i has nothing to pace; it is accepted for compatibility only.
            stats = StatsServer.start(new InetSocketAddress(options.statsAddr(), options.statsPort()),
                    () -> statsDocument(proxy, config, source, startedAt));
            log.info("stats listening on {}:{}", options.statsAddr(), stats.port());
            HTTPServer metrics = options.metricsPort() == 0 ? null : startMetrics(options, config, proxy);
            return new Walnut(proxy, stats, metrics);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (stats != null) {
                closeQuietly(stats);
            }
            proxy.close();
            throw e;
        }
    }

    private static HTTPServer startMetrics(LaunchOptions options, ProxyConfig config, Proxy proxy)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PrometheusCollector(config.pools(), proxy::snapshot, proxy::totalConnections,
                proxy::currentConnections));
        JvmMetrics.builder().register(registry);
        HTTPServer server;
        try {
            server = HTTPServer.builder().hostname(options.metricsAddr()).port(options.metricsPort())
                    .registry(registry).buildAndStart();
        } catch (IOException e) {
            throw new IOException("metrics port " + options.metricsAddr() + ":" + options.metricsPort() + ": "
                    + e.getMessage(), e);
        }
        log.info("prometheus metrics on http://{}:{}/metrics", options.metricsAddr(), server.getPort());
        return server;
    }

    /** Starts the proxy and blocks until a signal or the JVM asks it to stop; returns the process exit code. */
    public static int run(LaunchOptions options, ProxyConfig config) {
        Walnut walnut;
        try {
            walnut = start(options, config);
        } catch (IOException | RuntimeException e) {
            log.error("start failed: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        // Paths that bypass the signal handlers (System.exit elsewhere, a signal the JVM kept) still close.
        Thread hook = new Thread(walnut::close, "walnut-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.install(walnut::stop);
        log.info("walnut-{} started on pid {} with {} event loop(s) over {}, batch window {} us, reply hold {} us",
                Version.walnut(), ProcessHandle.current().pid(), options.threads(),
                walnut.proxy.transport().displayName(), options.batchWindowUs(), options.replyHoldUs());
        int code = walnut.awaitStop();
        walnut.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting and the hook has run or is running
        }
        return code;
    }

    /** Asks {@link #run} to close and return {@code code}; the first request wins. Any thread. */
    void stop(int code) {
        if (stopRequested.getCount() > 0) {
            exitCode.set(code);
            stopRequested.countDown();
        }
    }

    private int awaitStop() {
        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return exitCode.get();
    }

    public int statsPort() {
        return stats.port();
    }

    /** The Prometheus port, or 0 when there is no endpoint. */
    public int metricsPort() {
        return metrics == null ? 0 : metrics.getPort();
    }

    /** Closes the endpoints, then the proxy; once only, from any thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (metrics != null) {
            metrics.close();
        }
        closeQuietly(stats);
        proxy.close();
        stopRequested.countDown();
    }

    /** Each pool's protocol, as {@link #run} builds it; public so tests can run the same proxy in-process. */
    public static Protocol protocolFor(PoolConfig pool, int mbufSize) {
        if (pool.redis()) {
            return new RedisProtocol(pool, mbufSize);
        }
        return new MemcacheProtocol(pool, mbufSize);
    }

    /**
     * The stats JSON now. The loops' counters are read first: a connection a loop has counted as closed is then
     * also gone from the connection counts read after, so the document agrees with itself.
     */
    private static String statsDocument(Proxy proxy, ProxyConfig config, String source, long startedAt) {
        StatsSnapshot snapshot = proxy.snapshot();
        long now = System.currentTimeMillis();
        StatsJson.Header header = new StatsJson.Header(source, Version.TWEMPROXY_VERSION, (now - startedAt) / 1000,
                now / 1000, proxy.totalConnections(), proxy.currentConnections());
        return StatsJson.render(header, config.pools(), snapshot);
    }

    /** The host name as gethostname(2) gives it, which twemproxy reports as the stats {@code source}. */
    private static String hostname() {
        try {
            return Files.readAllLines(Path.of("/proc/sys/kernel/hostname")).get(0).trim();
        } catch (IOException | RuntimeException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }

    private static void closeQuietly(StatsServer stats) {
        try {
            stats.close();
        } catch (IOException e) {
            log.debug("closing stats: {}", e.toString());
        }
    }
}
