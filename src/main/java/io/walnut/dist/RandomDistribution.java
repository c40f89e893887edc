package io.walnut.dist;

import io.walnut.config.ServerSpec;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * twemproxy's random: one slot per live server (weights ignored) and a fresh uniform choice for every key, so
 * the hash is ignored and the fragments of one MGET scatter. Immutable; any thread.
 */
public final class RandomDistribution implements Distribution {
    private final int[] servers;

    private RandomDistribution(int[] servers) {
        this.servers = servers;
    }

    /** Builds the slots over {@code liveServers}, which must be non-empty. */
    public static RandomDistribution over(List<ServerSpec> liveServers) {
        if (liveServers.isEmpty()) {
            throw new IllegalArgumentException("random needs at least one live server");
        }
        return new RandomDistribution(liveServers.stream().mapToInt(ServerSpec::index).toArray());
    }

    @Override
    public int select(int ignoredHash) {
        return servers[ThreadLocalRandom.current().nextInt(servers.length)];
    }
}
