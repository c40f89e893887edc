package io.walnut.stats;

/**
 * Every pool's and server's values at one moment, summed over the event loops: {@code pools[p][metric]} and
 * {@code servers[p][server][metric]}, indexed by the metrics' ordinals and the config's sorted order, plus the
 * request latencies per pool ({@code poolLatency[p]}) and per server ({@code serverLatency[p][server]}).
 *
 * <p>Each event loop also keeps its own share in one of these, written by that loop only.
 */
public record StatsSnapshot(long[][] pools, long[][][] servers, LatencyHistogram[] poolLatency,
                            LatencyHistogram[][] serverLatency) {

    /** An all-zero snapshot shaped like the given per-pool server counts. */
    public static StatsSnapshot zero(int[] serversPerPool) {
        int poolCount = serversPerPool.length;
        long[][] pools = new long[poolCount][PoolMetric.values().length];
        long[][][] servers = new long[poolCount][][];
        LatencyHistogram[] poolLatency = new LatencyHistogram[poolCount];
        LatencyHistogram[][] serverLatency = new LatencyHistogram[poolCount][];
        for (int p = 0; p < poolCount; p++) {
            servers[p] = new long[serversPerPool[p]][ServerMetric.values().length];
            poolLatency[p] = new LatencyHistogram();
            serverLatency[p] = new LatencyHistogram[serversPerPool[p]];
            for (int s = 0; s < serversPerPool[p]; s++) {
                serverLatency[p][s] = new LatencyHistogram();
            }
        }
        return new StatsSnapshot(pools, servers, poolLatency, serverLatency);
    }

    /**
     * Adds one event loop's values, on that loop's thread: counters and gauges add up, a timestamp keeps the
     * latest, histograms add bucket by bucket.
     */
    public void add(StatsSnapshot loop) {
        for (int p = 0; p < pools.length; p++) {
            for (PoolMetric m : PoolMetric.values()) {
                pools[p][m.ordinal()] += loop.pools[p][m.ordinal()];
            }
            loop.poolLatency[p].addTo(poolLatency[p]);
            for (int s = 0; s < servers[p].length; s++) {
                for (ServerMetric m : ServerMetric.values()) {
                    int i = m.ordinal();
                    long v = loop.servers[p][s][i];
                    servers[p][s][i] = m.kind() == Metric.TIMESTAMP ? Math.max(servers[p][s][i], v)
                            : servers[p][s][i] + v;
                }
                loop.serverLatency[p][s].addTo(serverLatency[p][s]);
            }
        }
    }
}
