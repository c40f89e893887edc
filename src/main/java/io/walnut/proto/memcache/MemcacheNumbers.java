package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;

/**
 * Checks of the decimal numbers in memcached command and reply lines, on absolute ranges of a buffer, without
 * making a String. Shared by the request and reply decoders.
 */
final class MemcacheNumbers {
    /** Returned by {@link #parse} for anything that is not a number within the bound. */
    static final long INVALID = -1;
    /** The largest unsigned 64-bit value, as memcached's {@code strtoull} accepts it. */
    private static final String UNSIGNED_64_MAX = "18446744073709551615";

    private MemcacheNumbers() {
    }

    /** The value of the digits {@code buf[from, to)} if it is at most {@code max}, else {@link #INVALID}. */
    static long parse(ByteBuf buf, int from, int to, long max) {
        if (from == to) {
            return INVALID;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = buf.getByte(i) - '0';
            if (digit < 0 || digit > 9 || value > (max - digit) / 10) {
                return INVALID;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** Whether {@code buf[from, to)} is digits whose value fits in 64 bits unsigned (flags, cas unique). */
    static boolean isUnsigned64(ByteBuf buf, int from, int to) {
        if (!isDigits(buf, from, to)) {
            return false;
        }
        while (to - from > 1 && buf.getByte(from) == '0') {
            from++;
        }
        int length = to - from;
        if (length != UNSIGNED_64_MAX.length()) {
            return length < UNSIGNED_64_MAX.length();
        }
        for (int i = 0; i < length; i++) {
            int diff = buf.getByte(from + i) - UNSIGNED_64_MAX.charAt(i);
            if (diff != 0) {
                return diff < 0;
            }
        }
        return true;
    }

    /** Whether {@code buf[from, to)} is an optional minus sign and one or more digits. */
    static boolean isSigned(ByteBuf buf, int from, int to) {
        if (from < to && buf.getByte(from) == '-') {
            from++;
        }
        return isDigits(buf, from, to);
    }

    /** Whether {@code buf[from, to)} is one or more digits. */
    static boolean isDigits(ByteBuf buf, int from, int to) {
        if (from == to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }
}
