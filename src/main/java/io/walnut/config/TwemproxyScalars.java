package io.walnut.config;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * twemproxy's two primitive readings of a config scalar: its decimal number parser and its name order.
 * Both work on the UTF-8 bytes, as twemproxy's C strings do.
 */
final class TwemproxyScalars {

    /** Returned by {@link #atoi} for anything that is not a non-negative decimal number. */
    static final int NOT_A_NUMBER = -1;

    /**
     * twemproxy's name order (used for servers and pools): shorter first, then unsigned bytes, stopping at a
     * NUL byte as {@code strncmp} does.
     */
    static final Comparator<String> NAME_ORDER = TwemproxyScalars::compareNames;

    private TwemproxyScalars() {
    }

    /**
     * Decimal digits only, no sign, no space. Accumulates in 32-bit two's complement like twemproxy's int, so
     * {@code 4294967297} wraps to 1 and is accepted while {@code 2147483648} wraps negative and is rejected.
     */
    static int atoi(String text) {
        if (text.isEmpty()) {
            return NOT_A_NUMBER;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return NOT_A_NUMBER;
            }
            value = value * 10 + (c - '0');
        }
        return value < 0 ? NOT_A_NUMBER : value;
    }

    /** The text as C's {@code %s} prints it: up to the first NUL character. */
    static String printed(String text) {
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    static boolean sameName(String a, String b) {
        return compareNames(a, b) == 0;
    }

    private static int compareNames(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        for (int i = 0; i < x.length; i++) {
            int cx = x[i] & 0xff;
            int cy = y[i] & 0xff;
            if (cx != cy) {
                return Integer.compare(cx, cy);
            }
            if (cx == 0) {
                return 0;
            }
        }
        return 0;
    }
}
