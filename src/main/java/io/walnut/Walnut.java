package io.walnut;

import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.core.Proxy;
import io.walnut.proto.Protocol;
import io.walnut.proto.redis.RedisProtocol;
import io.walnut.stats.StatsJson;
import io.walnut.stats.StatsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The running proxy: event loops, pool listeners and the stats server. */
public final class Walnut {
    private static final Logger log = LoggerFactory.getLogger(Walnut.class);

    private Walnut() {
    }

    /** Starts the proxy and blocks until the JVM is asked to stop; returns the process exit code. */
    public static int run(LaunchOptions options, ProxyConfig config) {
        long startedAt = System.currentTimeMillis();
        Proxy proxy = new Proxy(config, options.threads(), options.mbufSize(), Walnut::protocolFor);
        StatsServer stats;
        try {
            proxy.start();
            String source = hostname();
            stats = StatsServer.start(new InetSocketAddress(options.statsAddr(), options.statsPort()),
                    () -> StatsJson.render(new StatsJson.Header(source, Version.TWEMPROXY_VERSION,
                                    (System.currentTimeMillis() - startedAt) / 1000,
                                    System.currentTimeMillis() / 1000, proxy.totalConnections(),
                                    proxy.currentConnections()),
                            config.pools(), proxy.snapshot()));
        } catch (Exception e) {
            log.error("start failed: {}", e.getMessage());
            proxy.close();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(stats);
            proxy.close();
            stopped.countDown();
        }, "walnut-shutdown"));
        log.info("walnut-{} started on pid {} with {} event loop(s) over {}", Version.walnut(),
                ProcessHandle.current().pid(), options.threads(), proxy.transport().displayName());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Each pool's protocol, as {@link #run} builds it; public so tests can run the same proxy in-process. */
    public static Protocol protocolFor(PoolConfig pool, int mbufSize) {
        if (pool.redis()) {
            return new RedisProtocol(pool, mbufSize);
        }
        throw new UnsupportedOperationException("memcached pools are not supported yet");
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
