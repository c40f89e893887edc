package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/**
 * twemproxy's {@code hash_tag}: two bytes {@code L R}. The part of a key between the first {@code L} and the
 * first {@code R} after it is hashed, when at least one byte lies between them; otherwise the whole key.
 */
public record HashTag(byte left, byte right) {

    /**
     * The region of {@code key[offset, offset+length)} to hash, packed as {@code (start << 32) | length}
     * (start absolute in the buffer), so routing allocates nothing.
     */
    public long region(ByteBuf key, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }
}
