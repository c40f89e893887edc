package io.walnut.dist;

import io.walnut.config.ServerSpec;

import java.util.List;

/**
 * twemproxy's modula: {@code weight} consecutive slots per live server in index order, and a key goes to slot
 * {@code hash mod slots} (unsigned).
 *
 * <p>The slots are kept as each server's cumulative end slot, searched by bisection, so a large weight costs no
 * memory. Immutable; any thread; no allocation per lookup.
 */
public final class Modula implements Distribution {
    /** {@code slotEnds[i]} is one past the last slot of {@code servers[i]}; the last one is the slot count. */
    private final long[] slotEnds;
    private final int[] servers;

    private Modula(long[] slotEnds, int[] servers) {
        this.slotEnds = slotEnds;
        this.servers = servers;
    }

    /** Builds the slots over {@code liveServers}, which must be non-empty and in index order. */
    public static Modula over(List<ServerSpec> liveServers) {
        if (liveServers.isEmpty()) {
            throw new IllegalArgumentException("modula needs at least one live server");
        }
        long[] ends = new long[liveServers.size()];
        int[] servers = new int[liveServers.size()];
        long end = 0;
        for (int i = 0; i < ends.length; i++) {
            end += liveServers.get(i).weight();
            ends[i] = end;
            servers[i] = liveServers.get(i).index();
        }
        return new Modula(ends, servers);
    }

    @Override
    public int select(int hash) {
        long slot = Integer.toUnsignedLong(hash) % slotEnds[slotEnds.length - 1];
        int low = 0;
        int high = slotEnds.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (slotEnds[middle] <= slot) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return servers[low];
    }

    /** The number of slots: the total live weight. */
    public long slotCount() {
        return slotEnds[slotEnds.length - 1];
    }
}
