package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/**
 * twemproxy's {@code hash_tag}: two bytes {@code L R}. The part of a key between the first {@code L} and the
 * first {@code R} after it is hashed, when at least one byte lies between them; otherwise the whole key.
 * {@code L} and {@code R} may be equal. Immutable; any thread.
 */
public record HashTag(byte left, byte right) {

    /**
     * The region of {@code key[offset, offset+length)} to hash, packed as {@code (start << 32) | length}
     * (start absolute in the buffer), so routing allocates nothing. Unpack with {@link #start} and {@link #length}.
     */
    public long region(ByteBuf key, int offset, int length) {
        int end = offset + length;
        int open = indexOf(key, offset, end, left);
        if (open >= 0) {
            int close = indexOf(key, open + 1, end, right);
            if (close > open + 1) {
                return pack(open + 1, close - open - 1);
            }
        }
        return pack(offset, length);
    }

    /** The start index of a region from {@link #region}. */
    public static int start(long region) {
        return (int) (region >>> 32);
    }

    /** The length of a region from {@link #region}. */
    public static int length(long region) {
        return (int) region;
    }

    /** A plain scan: keys are short, and unlike some {@code ByteBuf.indexOf} versions it never allocates. */
    private static int indexOf(ByteBuf key, int from, int end, byte value) {
        for (int i = from; i < end; i++) {
            if (key.getByte(i) == value) {
                return i;
            }
        }
        return -1;
    }

    private static long pack(int start, int length) {
        return ((long) start << 32) | (length & 0xffffffffL);
    }
}
