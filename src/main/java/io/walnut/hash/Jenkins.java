package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/** Bob Jenkins's one-at-a-time and lookup3 {@code hashlittle}, as twemproxy uses them. Stateless; any thread. */
final class Jenkins {
    /** twemproxy passes this {@code initval} to {@code hashlittle}. */
    private static final int LOOKUP3_INITVAL = 13;

    private Jenkins() {
    }

    /** One-at-a-time over sign-extended bytes (x86 C {@code char}). */
    static int oneAtATime(ByteBuf buf, int offset, int length) {
        int h = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            h += buf.getByte(i);
            h += h << 10;
            h ^= h >>> 6;
        }
        h += h << 3;
        h ^= h >>> 11;
        h += h << 15;
        return h;
    }

    /** lookup3 {@code hashlittle}: little-endian 12-byte blocks, a zero-padded last block, result {@code c}. */
    static int lookup3(ByteBuf buf, int offset, int length) {
        int a = 0xdeadbeef + length + LOOKUP3_INITVAL;
        int b = a;
        int c = a;
        int i = offset;
        int remaining = length;
        while (remaining > 12) {
            a += buf.getIntLE(i);
            b += buf.getIntLE(i + 4);
            c += buf.getIntLE(i + 8);
            // mix(a, b, c)
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            i += 12;
            remaining -= 12;
        }
        if (remaining == 0) {
            return c; // only reachable for the empty key: lookup3 skips the final mix then
        }
        a += LittleEndian.tail(buf, i, Math.min(remaining, 4));
        b += LittleEndian.tail(buf, i + 4, Math.min(remaining - 4, 4));
        c += LittleEndian.tail(buf, i + 8, remaining - 8);
        // final(a, b, c)
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }
}
