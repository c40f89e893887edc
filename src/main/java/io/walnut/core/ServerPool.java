package io.walnut.core;

import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.Placement;
import io.walnut.proto.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * One configured pool, shared by every event loop: its settings, its protocol, where its keys go, and which of
 * its servers are ejected. Each event loop has its own connections to the pool's servers
 * ({@link ConnectionPool}); only this object is shared.
 *
 * <p>Ejection ({@code auto_eject_hosts}) is one decision for the whole pool, as in twemproxy: consecutive
 * failures of a server, from any loop, count toward {@code server_failure_limit}; any reply resets the count.
 * An ejected server leaves the distribution, which is rebuilt over the live servers, and returns without a
 * probe once {@code server_retry_timeout} has passed, on the next request. The request path only reads
 * volatile fields (the placement, the next retry time, a server's failure count when it is not zero); the rare
 * changes take this object's lock.
 */
public final class ServerPool {
    private static final Logger log = LoggerFactory.getLogger(ServerPool.class);
    /** twemproxy routes keyless commands (redis COMMAND, memcached version) as if their key were this. */
    static final byte[] PLACEHOLDER_KEY = "placeholder".getBytes(StandardCharsets.US_ASCII);
    private static final long NO_RETRY = Long.MIN_VALUE;

    private final int index;
    private final PoolConfig config;
    private final Protocol protocol;
    private final long retryNanos;
    private final AtomicIntegerArray failures;
    /** Per server: when its ejection ends (nanoTime), or {@link #NO_RETRY} while it is live. Guarded by this. */
    private final long[] ejectedUntil;
    private volatile Placement placement;
    /** The earliest end of an ejection, or {@link #NO_RETRY}. */
    private volatile long nextRetry = NO_RETRY;
    /** Open client connections over all event loops; touched on accept and close only. */
    private final AtomicInteger clients = new AtomicInteger();

    /** @param index the pool's position in the sorted config, which the stats follow */
    public ServerPool(int index, PoolConfig config, Protocol protocol) {
        this.index = index;
        this.config = config;
        this.protocol = protocol;
        this.retryNanos = TimeUnit.MILLISECONDS.toNanos(config.serverRetryTimeoutMs());
        int servers = config.servers().size();
        this.failures = new AtomicIntegerArray(servers);
        this.ejectedUntil = new long[servers];
        java.util.Arrays.fill(ejectedUntil, NO_RETRY);
        BitSet all = new BitSet(servers);
        all.set(0, servers);
        placement = Placement.of(config.hash(), config.hashTag(), config.distribution(), config.servers(), all);
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

    /** Where keys go now; first brings back the servers whose ejection has ended. */
    Placement placement(long nowNanos) {
        long retry = nextRetry;
        if (retry != NO_RETRY && nowNanos - retry >= 0) {
            restoreDue(nowNanos);
        }
        return placement;
    }

    /** The time after which a server whose connect failed may be tried again. */
    long retryNanos() {
        return retryNanos;
    }

    /** Any reply from the server: its consecutive failures start over. */
    void serverReplied(int server) {
        if (failures.get(server) != 0) {
            failures.set(server, 0);
        }
    }

    /**
     * A failure of the server's connection (refused, reset, timed out, EOF...). With {@code auto_eject_hosts},
     * the failure that reaches {@code server_failure_limit} ejects it, even if it is ejected already: returns
     * true for that one.
     */
    boolean serverFailed(int server, long nowNanos) {
        if (!config.autoEjectHosts()) {
            return false;
        }
        if (failures.incrementAndGet(server) < config.serverFailureLimit()) {
            return false;
        }
        synchronized (this) {
            if (failures.get(server) < config.serverFailureLimit()) {
                return false; // a failure on another loop reached the limit first and started the count over
            }
            // Already ejected (failures of requests that were out when it left): ejected again, as twemproxy
            // does, so the count starts over and the retry time moves on.
            failures.set(server, 0);
            ejectedUntil[server] = nowNanos + retryNanos;
            rebuild();
        }
        log.warn("pool '{}': server '{}' ejected after {} consecutive failures, retry in {} ms", config.name(),
                name(server), config.serverFailureLimit(), config.serverRetryTimeoutMs());
        return true;
    }

    private synchronized void restoreDue(long nowNanos) {
        boolean restored = false;
        for (int s = 0; s < ejectedUntil.length; s++) {
            if (ejectedUntil[s] != NO_RETRY && nowNanos - ejectedUntil[s] >= 0) {
                ejectedUntil[s] = NO_RETRY;
                restored = true;
                log.warn("pool '{}': server '{}' back in the distribution (retry timeout passed)", config.name(),
                        name(s));
            }
        }
        if (restored) {
            rebuild();
        }
    }

    /** Under the lock: the distribution over the servers not ejected, and the next retry time. */
    private void rebuild() {
        BitSet live = new BitSet(ejectedUntil.length);
        long next = NO_RETRY;
        for (int s = 0; s < ejectedUntil.length; s++) {
            if (ejectedUntil[s] == NO_RETRY) {
                live.set(s);
            } else if (next == NO_RETRY || ejectedUntil[s] - next < 0) {
                next = ejectedUntil[s];
            }
        }
        placement = placement.withLive(live);
        nextRetry = next;
    }

    private String name(int server) {
        ServerSpec spec = config.servers().get(server);
        return spec.name();
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
