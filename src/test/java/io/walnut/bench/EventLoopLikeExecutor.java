package io.walnut.bench;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH executor whose threads are Netty {@code FastThreadLocalThread}s, as the proxy's event loops are, so that
 * Netty's recyclers and thread-local caches behave in a benchmark as they do in the proxy. Benchmarks select it
 * in their {@code @Fork}: {@code -Djmh.executor=CUSTOM -Djmh.executor.class=io.walnut.bench.EventLoopLikeExecutor}.
 */
public final class EventLoopLikeExecutor extends ThreadPoolExecutor {

    /** The constructor JMH calls for a custom executor. */
    public EventLoopLikeExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
