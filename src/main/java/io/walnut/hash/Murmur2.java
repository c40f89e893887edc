package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/** MurmurHash2 with twemproxy's length-dependent seed. Stateless; any thread. */
final class Murmur2 {
    private static final int M = 0x5bd1e995;
    private static final int R = 24;
    private static final int SEED_FACTOR = 0xdeadbeef;

    private Murmur2() {
    }

    static int hash(ByteBuf buf, int offset, int length) {
        int h = (SEED_FACTOR * length) ^ length;
        int i = offset;
        int remaining = length;
        while (remaining >= 4) {
            int k = buf.getIntLE(i);
            k *= M;
            k ^= k >>> R;
            k *= M;
            h *= M;
            h ^= k;
            i += 4;
            remaining -= 4;
        }
        if (remaining > 0) {
            h ^= LittleEndian.tail(buf, i, remaining);
            h *= M;
        }
        h ^= h >>> 13;
        h *= M;
        h ^= h >>> 15;
        return h;
    }
}
