package io.walnut.core;

import io.walnut.config.PoolConfig;
import io.walnut.dist.Placement;
import io.walnut.proto.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One configured pool, shared by every event loop: its settings, its protocol and where its keys go. Each event
 * loop has its own connections to the pool's servers ({@link ConnectionPool}); only this object is shared, and
 * the request path only reads it.
 */
public final class ServerPool {
    /** twemproxy routes keyless commands (redis COMMAND, memcached version) as if their key were this. */
    private static final byte[] PLACEHOLDER_KEY = "placeholder".getBytes(StandardCharsets.US_ASCII);

    private final int index;
    private final PoolConfig config;
    private final Protocol protocol;
    private final Placement placement;
    private final int placeholderServer;
    /** Open client connections over all event loops; touched on accept and close only. */
    private final AtomicInteger clients = new AtomicInteger();

    /** @param index the pool's position in the sorted config, which the stats follow */
    public ServerPool(int index, PoolConfig config, Protocol protocol) {
        this.index = index;
        this.config = config;
        this.protocol = protocol;
        this.placement = Placement.of(config.hash(), config.hashTag(), config.distribution(), config.servers());
        this.placeholderServer = placement.serverIndex(PLACEHOLDER_KEY);
    }

    int index() {
        return index;
    }

    public PoolConfig config() {
        return config;
    }

    public Protocol protocol() {
        return protocol;
    }

    Placement placement() {
        return placement;
    }

    int placeholderServer() {
        return placeholderServer;
    }

    /** Counts a new client; false (and not counted) when {@code client_connections} is reached. */
    boolean admitClient() {
        int limit = config.clientConnections();
        if (limit <= 0) {
            clients.incrementAndGet();
            return true;
        }
        for (;;) {
            int n = clients.get();
            if (n >= limit) {
                return false;
            }
            if (clients.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void clientClosed() {
        clients.decrementAndGet();
    }
}
