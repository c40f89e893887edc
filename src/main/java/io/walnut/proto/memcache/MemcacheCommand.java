package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.walnut.proto.Command;

import java.nio.charset.StandardCharsets;

/**
 * The memcached ASCII commands Walnut proxies (twemproxy 0.5.0's set), each with its line syntax and route.
 * Names are matched from the request's bytes, lower case only as twemproxy does, without making a String.
 *
 * <p>A get or gets with one key is sent whole to its server, as twemproxy does; with more keys it is the
 * {@code _MULTI} entry, fragmented per server and merged.
 */
public enum MemcacheCommand implements Command {
    GET("get", Syntax.RETRIEVAL, Route.KEY),
    SET("set", Syntax.STORAGE, Route.KEY),
    GET_MULTI("get", Syntax.RETRIEVAL, Route.FRAGMENT),
    GETS("gets", Syntax.RETRIEVAL, Route.KEY),
    GETS_MULTI("gets", Syntax.RETRIEVAL, Route.FRAGMENT),
    DELETE("delete", Syntax.DELETE, Route.KEY),
    INCR("incr", Syntax.ARITHMETIC, Route.KEY),
    DECR("decr", Syntax.ARITHMETIC, Route.KEY),
    ADD("add", Syntax.STORAGE, Route.KEY),
    REPLACE("replace", Syntax.STORAGE, Route.KEY),
    APPEND("append", Syntax.STORAGE, Route.KEY),
    PREPEND("prepend", Syntax.STORAGE, Route.KEY),
    CAS("cas", Syntax.CAS, Route.KEY),
    TOUCH("touch", Syntax.TOUCH, Route.KEY),
    VERSION("version", Syntax.BARE, Route.PLACEHOLDER),
    QUIT("quit", Syntax.BARE, Route.QUIT);

    /** A numeric field of a command line, and how it is checked. */
    enum Field {
        /** memcached's 32-bit client flags; memcached takes any 64-bit unsigned value. */
        FLAGS("flags"),
        /** A storage exptime: digits only, as twemproxy (memcached itself takes a negative one). */
        EXPTIME("exptime"),
        /** The data block's length. */
        BYTES("bytes"),
        CAS_UNIQUE("cas unique"),
        /** incr/decr's value: twemproxy allows a leading minus; memcached then answers the error itself. */
        DELTA("value"),
        /** touch's exptime: may be negative, as twemproxy allows. */
        SIGNED_EXPTIME("exptime");

        final String label;

        Field(String label) {
            this.label = label;
        }
    }

    /** The shape of a command line after its name. */
    enum Syntax {
        /** {@code <key>+} */
        RETRIEVAL("<key>+", false),
        /** {@code <key> <flags> <exptime> <bytes> [noreply]}, then a data block */
        STORAGE("<key> <flags> <exptime> <bytes> [noreply]", true, Field.FLAGS, Field.EXPTIME, Field.BYTES),
        /** {@code <key> <flags> <exptime> <bytes> <cas unique> [noreply]}, then a data block */
        CAS("<key> <flags> <exptime> <bytes> <cas unique> [noreply]", true, Field.FLAGS, Field.EXPTIME,
                Field.BYTES, Field.CAS_UNIQUE),
        /** {@code <key> <value> [noreply]} */
        ARITHMETIC("<key> <value> [noreply]", true, Field.DELTA),
        /** {@code <key> <exptime> [noreply]} */
        TOUCH("<key> <exptime> [noreply]", true, Field.SIGNED_EXPTIME),
        /** {@code <key> [noreply]}: the legacy time argument is refused, as twemproxy does. */
        DELETE("<key> [noreply]", true),
        /** nothing */
        BARE("", false);

        final String usage;
        final boolean noreplyAllowed;
        /** The fields after the key, in order. */
        final Field[] fields;

        Syntax(String usage, boolean noreplyAllowed, Field... fields) {
            this.usage = usage;
            this.noreplyAllowed = noreplyAllowed;
            this.fields = fields;
        }

        /** Whether a data block follows the line. */
        boolean hasData() {
            return this == STORAGE || this == CAS;
        }

        boolean hasKey() {
            return this != BARE;
        }
    }

    /** Longest command name; longer tokens are not looked up. */
    private static final int MAX_NAME_LENGTH = 7;
    private static final MemcacheCommand[] LOOKUP_ORDER = {GET, SET, GETS, DELETE, INCR, DECR, ADD, REPLACE,
        APPEND, PREPEND, CAS, TOUCH, VERSION, QUIT};

    final Syntax syntax;
    private final Route route;
    private final String name;
    /** The name's bytes packed into a long, so matching a token is one comparison. */
    private final long packedName;
    private final int nameLength;

    MemcacheCommand(String name, Syntax syntax, Route route) {
        this.name = name;
        this.syntax = syntax;
        this.route = route;
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        this.nameLength = bytes.length;
        long packed = 0;
        for (byte b : bytes) {
            packed = packed << 8 | b;
        }
        this.packedName = packed;
    }

    /**
     * The command named by {@code buf[offset, offset+length)}, exactly (lower case), or null. A get or gets is
     * returned as its single-key entry; see {@link #withKeys(int)}.
     */
    static MemcacheCommand lookup(ByteBuf buf, int offset, int length) {
        if (length == 0 || length > MAX_NAME_LENGTH) {
            return null;
        }
        long packed = 0;
        for (int i = 0; i < length; i++) {
            packed = packed << 8 | (buf.getByte(offset + i) & 0xff);
        }
        for (MemcacheCommand c : LOOKUP_ORDER) {
            if (c.packedName == packed && c.nameLength == length) {
                return c;
            }
        }
        return null;
    }

    /** The entry for a retrieval of {@code keys} keys: fragmented when there are several. */
    MemcacheCommand withKeys(int keys) {
        return withKeys(keys, false);
    }

    /** As {@link #withKeys(int)}; {@code rebuild} forces the fragmented form even for one key. */
    MemcacheCommand withKeys(int keys, boolean rebuild) {
        if (keys <= 1 && !rebuild) {
            return this;
        }
        return this == GET ? GET_MULTI : this == GETS ? GETS_MULTI : this;
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public Merge merge() {
        return route == Route.FRAGMENT ? Merge.VALUES_THEN_END : Merge.NONE;
    }

    @Override
    public int keyStep() {
        return 1;
    }

    @Override
    public String commandName() {
        return name;
    }
}
