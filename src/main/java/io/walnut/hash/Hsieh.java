package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/**
 * Paul Hsieh's SuperFastHash as twemproxy has it: initial hash 0 instead of the length, and in a 3-byte tail the
 * third byte sign-extended (a C {@code char} on x86). Stateless; any thread.
 */
final class Hsieh {
    private Hsieh() {
    }

    static int hash(ByteBuf buf, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        int h = 0;
        int i = offset;
        for (int blocks = length >>> 2; blocks > 0; blocks--) {
            h += buf.getUnsignedShortLE(i);
            int tmp = (buf.getUnsignedShortLE(i + 2) << 11) ^ h;
            h = (h << 16) ^ tmp;
            h += h >>> 11;
            i += 4;
        }
        switch (length & 3) {
            case 3:
                h += buf.getUnsignedShortLE(i);
                h ^= h << 16;
                h ^= buf.getByte(i + 2) << 18;
                h += h >>> 11;
                break;
            case 2:
                h += buf.getUnsignedShortLE(i);
                h ^= h << 11;
                h += h >>> 17;
                break;
            case 1:
                h += buf.getByte(i) & 0xff;
                h ^= h << 10;
                h += h >>> 1;
                break;
            default:
                break;
        }
        h ^= h << 3;
        h += h >>> 5;
        h ^= h << 4;
        h += h >>> 17;
        h ^= h << 25;
        h += h >>> 6;
        return h;
    }
}
