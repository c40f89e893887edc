package io.walnut.dist;

import io.netty.buffer.ByteBuf;

/**
 * Key to server index for one pool over a set of live servers, exactly as twemproxy's
 * {@code server_pool_idx}: one-server pools skip hashing, then hash tag, hash (empty key hashes to 0),
 * distribution. Immutable: an ejection builds a new one. Safe to share between event loops.
 */
public final class Placement {
    /** The index (in the pool's sorted server list) of the server that holds {@code key[offset, offset+length)}. */
    public int serverIndex(ByteBuf key, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }
}
