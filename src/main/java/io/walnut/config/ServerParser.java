package io.walnut.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Reads one {@code servers:} entry as twemproxy does, from the end: an optional {@code name} after the last
 * space, the weight after the last colon, then (TCP only) the port after the next colon; what remains is the
 * host, so unbracketed IPv6 literals work. The host is not resolved: twemproxy resolves it at each connect.
 */
final class ServerParser {

    private static final String FORMAT = "\"hostname:port:weight [name]\"";
    private static final String BAD_FORMAT =
            "has an invalid " + FORMAT + "or \"/path/unix_socket:weight [name]\" format string";
    private static final String BAD_WEIGHT = "has an invalid weight in " + FORMAT + " format string";
    private static final String ZERO_WEIGHT = "has a zero weight in " + FORMAT + " format string";
    private static final String BAD_PORT = "has an invalid port in " + FORMAT + " format string";

    /** libmemcached leaves this port out of ketama names, and twemproxy follows it. */
    private static final int KETAMA_DEFAULT_PORT = 11211;

    private ServerParser() {
    }

    /** The entry with index -1; the pool numbers its servers once they are sorted. */
    static ServerSpec parse(String text) throws InvalidValueException {
        boolean unix = text.startsWith("/");
        int end = text.length();
        String name = null;
        int space = text.lastIndexOf(' ');
        if (space >= 0) {
            name = text.substring(space + 1);
            end = space;
        }
        int weightColon = text.lastIndexOf(':', end - 1);
        if (weightColon < 0) {
            throw badFormat(text, "no ':' before a weight");
        }
        String weightText = text.substring(weightColon + 1, end);
        int portColon = text.lastIndexOf(':', weightColon - 1);
        if (unix && portColon >= 0) {
            throw badFormat(text, "a unix socket path may not contain ':'");
        }
        if (!unix && portColon < 0) {
            throw badFormat(text, "expected host:port:weight");
        }
        String address = text.substring(0, unix ? weightColon : portColon);
        if (!unix && address.indexOf('\0') >= 0) {
            throw badFormat(text, "the address contains a NUL character");
        }
        int weight = parseWeight(weightText);
        if (unix) {
            return new ServerSpec(-1, name == null ? address + ":" : name, null, 0, unixPath(address), weight, text);
        }
        String portText = text.substring(portColon + 1, weightColon);
        int port = TwemproxyScalars.atoi(portText);
        if (port < 1 || port > 65535) {
            throw new InvalidValueException(BAD_PORT, "port '" + portText + "' is not a number in 1..65535");
        }
        if (name == null) {
            name = port == KETAMA_DEFAULT_PORT ? address : text.substring(0, weightColon);
        }
        return new ServerSpec(-1, name, address, port, null, weight, text);
    }

    private static int parseWeight(String weightText) throws InvalidValueException {
        int weight = TwemproxyScalars.atoi(weightText);
        if (weight < 0) {
            throw new InvalidValueException(BAD_WEIGHT, "weight '" + weightText + "' is not a decimal number");
        }
        if (weight == 0) {
            throw new InvalidValueException(ZERO_WEIGHT, "weight must be at least 1");
        }
        return weight;
    }

    private static Path unixPath(String address) throws InvalidValueException {
        try {
            return Path.of(address);
        } catch (InvalidPathException e) {
            throw new InvalidValueException(ListenParser.INVALID_VALUE,
                    "'" + address + "' is not a usable path: " + e.getReason());
        }
    }

    private static InvalidValueException badFormat(String text, String why) {
        return new InvalidValueException(BAD_FORMAT, "'" + text + "': " + why);
    }
}
