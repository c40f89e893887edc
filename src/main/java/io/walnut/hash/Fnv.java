package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/**
 * twemproxy's four FNV variants. Key bytes are sign-extended, as x86 C {@code char}s are. Stateless; any thread.
 *
 * <p>Both "64-bit" variants run in 32 bits. For {@code fnv1a_64} that is what twemproxy does. For {@code fnv1_64}
 * twemproxy does use 64 bits but returns the low half, and the low 32 bits of sums, products and XORs depend only
 * on the low 32 bits of their inputs, so the 32-bit computation gives the same value.
 */
final class Fnv {
    static final int OFFSET_64_LOW = 0x84222325;
    static final int PRIME_64_LOW = 0x000001b3;
    static final int OFFSET_32 = 0x811c9dc5;
    static final int PRIME_32 = 0x01000193;

    private Fnv() {
    }

    static int fnv1(ByteBuf buf, int offset, int length, int hash, int prime) {
        for (int i = offset, end = offset + length; i < end; i++) {
            hash *= prime;
            hash ^= buf.getByte(i);
        }
        return hash;
    }

    static int fnv1a(ByteBuf buf, int offset, int length, int hash, int prime) {
        for (int i = offset, end = offset + length; i < end; i++) {
            hash ^= buf.getByte(i);
            hash *= prime;
        }
        return hash;
    }
}
