package io.walnut.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Reads a pool's {@code listen:} value as twemproxy does: {@code /path [octal-perm]} for a unix socket, else
 * {@code host:port} split at the last colon (so IPv6 needs no brackets) with the host resolved once, now.
 */
final class ListenParser {

    static final String INVALID_VALUE = "has an invalid value";
    private static final String BAD_PERMISSION =
            "has an invalid file permission in \"socket_path permission\" format string";
    private static final String BAD_FORMAT = "has an invalid \"hostname:port\" format string";
    private static final String BAD_PORT = "has an invalid port in \"hostname:port\" format string";

    /** sockaddr_un.sun_path is 108 bytes on Linux, and twemproxy keeps room for the terminating NUL. */
    private static final int UNIX_PATH_MAX = 108;
    private static final long MAX_PERMISSION = 0777;

    private ListenParser() {
    }

    static ListenAddress parse(String text) throws InvalidValueException {
        return text.startsWith("/") ? parseUnix(text) : parseTcp(text);
    }

    private static ListenAddress parseUnix(String text) throws InvalidValueException {
        int space = text.lastIndexOf(' ');
        String path = space < 0 ? text : text.substring(0, space);
        int permissions = space < 0 ? 0 : parsePermission(text.substring(space + 1));
        if (TwemproxyScalars.utf8Length(path) >= UNIX_PATH_MAX) {
            throw new InvalidValueException(INVALID_VALUE,
                    "unix socket path '" + path + "' is longer than " + (UNIX_PATH_MAX - 1) + " bytes");
        }
        try {
            return new ListenAddress(text, null, Path.of(path), permissions);
        } catch (InvalidPathException e) {
            throw new InvalidValueException(INVALID_VALUE, "'" + path + "' is not a usable path: " + e.getReason());
        }
    }

    /**
     * C's {@code strtol(s, NULL, 8)}: leading white space, an optional sign, then octal digits up to the first
     * other character ({@code 0999} reads as 0). twemproxy stores the result in a 32-bit {@code mode_t}, so a
     * huge value may wrap to something small; only an out-of-range long sets errno.
     */
    private static int parsePermission(String text) throws InvalidValueException {
        int i = 0;
        while (i < text.length() && isCSpace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long value = 0;
        for (; i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7'; i++) {
            if (value > (Long.MAX_VALUE >> 3)) {
                throw new InvalidValueException(BAD_PERMISSION, "permission '" + text + "' overflows");
            }
            value = (value << 3) | (text.charAt(i) - '0');
        }
        long modeT = (negative ? -value : value) & 0xffff_ffffL;
        if (modeT > MAX_PERMISSION) {
            throw new InvalidValueException(BAD_PERMISSION,
                    "permission '" + text + "' reads as octal " + Long.toOctalString(modeT) + ", above 0777");
        }
        return (int) modeT;
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static ListenAddress parseTcp(String text) throws InvalidValueException {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidValueException(BAD_FORMAT, "'" + text + "' has no ':' before a port");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        int port = TwemproxyScalars.atoi(portText);
        if (port < 1 || port > 65535) {
            throw new InvalidValueException(BAD_PORT, "port '" + portText + "' is not a number in 1..65535");
        }
        return new ListenAddress(text, new InetSocketAddress(resolve(host, portText), port), null, 0);
    }

    /**
     * Resolves like getaddrinfo would for twemproxy. Java also accepts an empty host (loopback) and
     * {@code [v6]} brackets, which getaddrinfo refuses, so those are refused here too.
     */
    private static InetAddress resolve(String host, String service) throws InvalidValueException {
        String failure = "address resolution of node '" + host + "' service '" + service + "' failed: ";
        if (host.isEmpty() || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
            throw new InvalidValueException(INVALID_VALUE, failure + "Name or service not known"
                    + (host.isEmpty() ? "" : " (write IPv6 addresses without brackets)"));
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidValueException(INVALID_VALUE, failure + "Name or service not known");
        }
    }
}
