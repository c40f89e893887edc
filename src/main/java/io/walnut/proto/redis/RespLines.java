package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;

/**
 * The short number lines that make up most of RESP's framing ({@code *2\r\n}, {@code $3\r\n}, {@code $32\r\n}),
 * read with two bounds-checked reads instead of one per byte. Lines this does not recognise are left to the
 * decoders' general parsers, which also report what is wrong with them.
 */
final class RespLines {
    static final int CRLF = '\r' << 8 | '\n';
    /** Bytes {@link #shortNumber} reads at the line's start: type, two digits, CR, LF. */
    private static final int SHORT_LINE = 5;

    private RespLines() {
    }

    /**
     * The value of the line at {@code index} when it is a type byte then one digit, or two without a leading zero,
     * then CRLF; else -1, also when fewer than {@link #SHORT_LINE} bytes are readable there.
     */
    static int shortNumber(ByteBuf buf, int index) {
        if (buf.writerIndex() - index < SHORT_LINE) {
            return -1;
        }
        int firstFour = buf.getInt(index);
        int d1 = (firstFour >>> 16 & 0xff) - '0';
        if (d1 < 0 || d1 > 9) {
            return -1;
        }
        if ((firstFour & 0xffff) == CRLF) {
            return d1;
        }
        int d2 = (firstFour >>> 8 & 0xff) - '0';
        if (d1 > 0 && d2 >= 0 && d2 <= 9 && (firstFour & 0xff) == '\r' && buf.getByte(index + 4) == '\n') {
            return d1 * 10 + d2;
        }
        return -1;
    }

    /** Bytes of the line {@link #shortNumber} read {@code value} from. */
    static int shortLineLength(int value) {
        return value < 10 ? 4 : 5;
    }
}
