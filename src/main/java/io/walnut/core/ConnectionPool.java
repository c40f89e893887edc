package io.walnut.core;

/**
 * One event loop's connections to the servers of one pool: up to {@code server_connections} per server, opened
 * lazily (one more per request until there are that many), then used in turn, as twemproxy does. Confined to
 * its event loop.
 */
final class ConnectionPool {
    static final int SERVER_EJECTS = io.walnut.stats.PoolMetric.SERVER_EJECTS.ordinal();

    final ServerPool pool;
    final Worker worker;
    private final ServerConnection[][] connections;
    private final int[] next;
    final Fragmenter fragmenter;
    /** This loop's share of the pool's stats, indexed by {@link io.walnut.stats.PoolMetric} ordinal. */
    final long[] stats;
    /** This loop's share of the pool's latency: from a client's request read to its reply ready. */
    final io.walnut.stats.LatencyHistogram latency;

    ConnectionPool(ServerPool pool, Worker worker) {
        this.pool = pool;
        this.worker = worker;
        int servers = pool.config().servers().size();
        this.connections = new ServerConnection[servers][];
        this.next = new int[servers];
        for (int i = 0; i < servers; i++) {
            connections[i] = new ServerConnection[0];
        }
        this.fragmenter = new Fragmenter(this, servers);
        this.stats = worker.poolStats[pool.index()];
        this.latency = worker.poolLatency[pool.index()];
    }

    ServerConnection connectionFor(int serverIndex) {
        ServerConnection[] open = connections[serverIndex];
        if (open.length < pool.config().serverConnections()) {
            ServerConnection[] more = java.util.Arrays.copyOf(open, open.length + 1);
            ServerConnection created = new ServerConnection(this, pool.config().servers().get(serverIndex),
                    worker.serverStats[pool.index()][serverIndex]);
            more[open.length] = created;
            connections[serverIndex] = more;
            return created;
        }
        int i = next[serverIndex];
        next[serverIndex] = i + 1 == open.length ? 0 : i + 1;
        return open[i];
    }

    /** With {@code preconnect}: one connection to every server now. */
    void preconnect() {
        for (int i = 0; i < connections.length; i++) {
            if (connections[i].length == 0) {
                connectionFor(i).connect();
            }
        }
    }

    void closeAll() {
        for (ServerConnection[] perServer : connections) {
            for (ServerConnection c : perServer) {
                c.close();
            }
        }
    }
}
