package io.walnut;

import io.walnut.config.ProxyConfig;
import io.walnut.core.Proxy;
import io.walnut.proto.Protocol;
import io.walnut.proto.memcache.MemcacheProtocol;
import io.walnut.proto.redis.RedisProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** The running proxy: event loops, pool listeners and the stats server. */
public final class Walnut {
    private static final Logger log = LoggerFactory.getLogger(Walnut.class);

    private Walnut() {
    }

    /** Starts the proxy and blocks until the JVM is asked to stop; returns the process exit code. */
    public static int run(LaunchOptions options, ProxyConfig config) {
        Proxy proxy = new Proxy(config, options.threads(), options.mbufSize(), Walnut::protocolFor);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            stopped.countDown();
        }, "walnut-shutdown"));
        try {
            proxy.start();
        } catch (Exception e) {
            log.error("start failed: {}", e.toString());
            proxy.close();
            return 1;
        }
        log.info("walnut-{} started on pid {} with {} event loop(s) over {}", Version.VERSION,
                ProcessHandle.current().pid(), options.threads(), proxy.transport().displayName());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static Protocol protocolFor(io.walnut.config.PoolConfig pool, int mbufSize) {
        if (pool.redis()) {
            return new RedisProtocol(pool, mbufSize);
        }
        return new MemcacheProtocol(pool, mbufSize);
    }
}
