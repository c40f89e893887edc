package io.walnut.dist;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Key to server index for one pool over a set of live servers, exactly as twemproxy's
 * {@code server_pool_idx}: one-server pools skip hashing, then hash tag, hash (empty key hashes to 0),
 * distribution. Immutable: an ejection builds a new one ({@link #withLive}). Safe to share between event loops;
 * a lookup allocates nothing.
 *
 * <p>When no server is live (and the pool has more than one), {@link #serverIndex} returns {@link #NO_SERVER}.
 * twemproxy instead keeps its old continuum and fails the request with "Connection refused" before it looks the
 * key up; the caller decides which to do, with {@link #liveCount()} or the returned value.
 */
public final class Placement {
    /** What {@link #serverIndex} returns when no server is live. */
    public static final int NO_SERVER = -1;

    private static final Distribution NONE_LIVE = hash -> NO_SERVER;

    private final HashFunction hash;
    private final HashTag hashTag;
    private final DistributionType type;
    private final List<ServerSpec> servers;
    private final BitSet live;
    private final Distribution distribution;

    private Placement(HashFunction hash, HashTag hashTag, DistributionType type, List<ServerSpec> servers,
                      BitSet live, Distribution distribution) {
        this.hash = hash;
        this.hashTag = hashTag;
        this.type = type;
        this.servers = servers;
        this.live = live;
        this.distribution = distribution;
    }

    /**
     * Placement over the servers whose {@link ServerSpec#index()} bit is set in {@code live}.
     *
     * @param servers the pool's full list in twemproxy's sorted order, {@code servers.get(i).index() == i}
     * @param live    the live servers by index; copied
     */
    public static Placement of(HashFunction hash, HashTag hashTagOrNull, DistributionType type,
                               List<ServerSpec> servers, BitSet live) {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(type, "type");
        List<ServerSpec> all = List.copyOf(servers);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one server");
        }
        List<ServerSpec> liveServers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).index() != i) {
                throw new IllegalArgumentException("server " + all.get(i).name() + " has index "
                        + all.get(i).index() + " at position " + i);
            }
            if (live.get(i)) {
                liveServers.add(all.get(i));
            }
        }
        BitSet liveCopy = (BitSet) live.clone();
        liveCopy.clear(all.size(), Math.max(all.size(), liveCopy.length()));
        return new Placement(hash, hashTagOrNull, type, all, liveCopy, distributionOver(type, liveServers));
    }

    /** Placement with every server live. */
    public static Placement of(HashFunction hash, HashTag hashTagOrNull, DistributionType type,
                               List<ServerSpec> servers) {
        BitSet all = new BitSet();
        all.set(0, servers.size());
        return of(hash, hashTagOrNull, type, servers, all);
    }

    /** The same pool over another live set, as twemproxy rebuilds after an ejection or a retry. */
    public Placement withLive(BitSet newLive) {
        return of(hash, hashTag, type, servers, newLive);
    }

    /**
     * The index (in the pool's sorted server list) of the server that holds {@code key[offset, offset+length)}
     * (absolute indexes; the buffer's indexes are untouched), or {@link #NO_SERVER} when none is live. A pool
     * with one server always answers 0, live or not, as twemproxy does.
     */
    public int serverIndex(ByteBuf key, int offset, int length) {
        if (servers.size() == 1) {
            return 0;
        }
        if (type == DistributionType.RANDOM) {
            return distribution.select(0);
        }
        int start = offset;
        int size = length;
        if (hashTag != null) {
            long region = hashTag.region(key, offset, length);
            start = HashTag.start(region);
            size = HashTag.length(region);
        }
        return distribution.select(size == 0 ? 0 : hash.hash(key, start, size));
    }

    /** {@link #serverIndex(ByteBuf, int, int)} of a whole array; allocates a wrapper, so not for routing. */
    public int serverIndex(byte[] key) {
        return serverIndex(Unpooled.wrappedBuffer(key), 0, key.length);
    }

    public HashFunction hashFunction() {
        return hash;
    }

    /** The pool's hash tag, or null. */
    public HashTag hashTag() {
        return hashTag;
    }

    public DistributionType type() {
        return type;
    }

    /** The pool's full sorted server list, live or not. */
    public List<ServerSpec> servers() {
        return servers;
    }

    public boolean isLive(int serverIndex) {
        return live.get(serverIndex);
    }

    public int liveCount() {
        return live.cardinality();
    }

    private static Distribution distributionOver(DistributionType type, List<ServerSpec> liveServers) {
        if (liveServers.isEmpty()) {
            return NONE_LIVE;
        }
        return switch (type) {
            case KETAMA -> Ketama.over(liveServers);
            case MODULA -> Modula.over(liveServers);
            case RANDOM -> RandomDistribution.over(liveServers);
        };
    }
}
