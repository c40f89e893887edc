package io.walnut.stats;

/**
 * Every pool's and server's values at one moment, summed over the event loops: {@code pools[p][metric]} and
 * {@code servers[p][server][metric]}, indexed by the metrics' ordinals and the config's sorted order.
 */
public record StatsSnapshot(long[][] pools, long[][][] servers) {

    /** An all-zero snapshot shaped like the given per-pool server counts. */
    public static StatsSnapshot zero(int[] serversPerPool) {
        long[][] pools = new long[serversPerPool.length][PoolMetric.values().length];
        long[][][] servers = new long[serversPerPool.length][][];
        for (int p = 0; p < serversPerPool.length; p++) {
            servers[p] = new long[serversPerPool[p]][ServerMetric.values().length];
        }
        return new StatsSnapshot(pools, servers);
    }

    /** Adds one event loop's values: counters and gauges add up, a timestamp keeps the latest. */
    public void add(long[][] loopPools, long[][][] loopServers) {
        for (int p = 0; p < pools.length; p++) {
            for (PoolMetric m : PoolMetric.values()) {
                pools[p][m.ordinal()] += loopPools[p][m.ordinal()];
            }
            for (int s = 0; s < servers[p].length; s++) {
                for (ServerMetric m : ServerMetric.values()) {
                    int i = m.ordinal();
                    long v = loopServers[p][s][i];
                    servers[p][s][i] = m.kind() == Metric.TIMESTAMP ? Math.max(servers[p][s][i], v)
                            : servers[p][s][i] + v;
                }
            }
        }
    }
}
