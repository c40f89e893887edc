package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/** twemproxy's {@code crc16}, {@code crc32} and {@code crc32a}. Stateless; any thread. */
final class Crc {
    private static final int[] CRC16_XMODEM = crc16Table();
    private static final int[] CRC32_REFLECTED = crc32Table();

    private Crc() {
    }

    /**
     * CRC-16/XMODEM with a 32-bit register that is never masked: the bits shifted out above bit 15 stay in the
     * result, because twemproxy keeps them and they therefore decide placement.
     */
    static int crc16(ByteBuf buf, int offset, int length) {
        int crc = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = (crc << 8) ^ CRC16_XMODEM[((crc >>> 8) ^ buf.getByte(i)) & 0xff];
        }
        return crc;
    }

    /** libmemcached's 15-bit "crc32": bits 16..30 of the standard CRC-32. */
    static int crc32(ByteBuf buf, int offset, int length) {
        return (crc32a(buf, offset, length) >>> 16) & 0x7fff;
    }

    /** The standard (zlib) CRC-32. */
    static int crc32a(ByteBuf buf, int offset, int length) {
        int crc = ~0;
        for (int i = offset, end = offset + length; i < end; i++) {
            crc = CRC32_REFLECTED[(crc ^ buf.getByte(i)) & 0xff] ^ (crc >>> 8);
        }
        return ~crc;
    }

    private static int[] crc16Table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int c = n << 8;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            table[n] = c & 0xffff;
        }
        return table;
    }

    private static int[] crc32Table() {
        int[] table = new int[256];
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int bit = 0; bit < 8; bit++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0xEDB88320 : c >>> 1;
            }
            table[n] = c;
        }
        return table;
    }
}
