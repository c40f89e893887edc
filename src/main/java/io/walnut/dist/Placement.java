package io.walnut.dist;

import io.netty.buffer.ByteBuf;
import io.walnut.config.ServerSpec;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;

import java.util.BitSet;
import java.util.List;

/**
 * Key to server index for one pool over a set of live servers, exactly as twemproxy's
 * {@code server_pool_idx}: one-server pools skip hashing, then hash tag, hash (empty key hashes to 0),
 * distribution. Immutable: an ejection builds a new one. Safe to share between event loops.
 */
public final class Placement {
    public static Placement of(HashFunction hash, HashTag hashTag, DistributionType type, List<ServerSpec> servers,
                               BitSet live) {
        throw new UnsupportedOperationException("TODO");
    }

    public static Placement of(HashFunction hash, HashTag hashTag, DistributionType type, List<ServerSpec> servers) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The index (in the pool's sorted server list) of the server that holds {@code key[offset, offset+length)}. */
    public int serverIndex(ByteBuf key, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    public int serverIndex(byte[] key) {
        throw new UnsupportedOperationException("TODO");
    }
}
