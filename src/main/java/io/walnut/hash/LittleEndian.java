package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/** Reads the short last word of a key, for the hashes that consume keys in little-endian words. */
final class LittleEndian {
    private LittleEndian() {
    }

    /** Up to four bytes (none when {@code count <= 0}) as a zero-padded little-endian word, bytes unsigned. */
    static int tail(ByteBuf buf, int index, int count) {
        int word = 0;
        for (int k = 0; k < count; k++) {
            word |= (buf.getByte(index + k) & 0xff) << (8 * k);
        }
        return word;
    }
}
