package io.walnut.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The stats header's {@code total_connections} and {@code curr_connections}: listeners, clients and server
 * connections, over all event loops. Touched when a connection opens or closes, never per request.
 */
final class ConnectionCounts {
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong current = new AtomicLong();

    void opened() {
        total.incrementAndGet();
        current.incrementAndGet();
    }

    void closed() {
        current.decrementAndGet();
    }

    long total() {
        return total.get();
    }

    long current() {
        return current.get();
    }
}
