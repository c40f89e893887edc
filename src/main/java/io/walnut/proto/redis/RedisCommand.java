package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.walnut.proto.Command;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Redis commands Walnut proxies: twemproxy 0.5.0's command table, with each command's arity class and
 * route. Lookup goes from the request's bytes, case-insensitively, without making a String.
 */
public enum RedisCommand implements Command {
    // key only
    PERSIST(Arity.KEY_ONLY), PTTL(Arity.KEY_ONLY), TTL(Arity.KEY_ONLY), TYPE(Arity.KEY_ONLY),
    DUMP(Arity.KEY_ONLY), DECR(Arity.KEY_ONLY), GET(Arity.KEY_ONLY), GETDEL(Arity.KEY_ONLY),
    INCR(Arity.KEY_ONLY), STRLEN(Arity.KEY_ONLY), HGETALL(Arity.KEY_ONLY), HKEYS(Arity.KEY_ONLY),
    HLEN(Arity.KEY_ONLY), HVALS(Arity.KEY_ONLY), LLEN(Arity.KEY_ONLY), SCARD(Arity.KEY_ONLY),
    SMEMBERS(Arity.KEY_ONLY), ZCARD(Arity.KEY_ONLY),
    // key + 1
    EXPIRE(Arity.KEY_PLUS_1), EXPIREAT(Arity.KEY_PLUS_1), PEXPIRE(Arity.KEY_PLUS_1), PEXPIREAT(Arity.KEY_PLUS_1),
    APPEND(Arity.KEY_PLUS_1), DECRBY(Arity.KEY_PLUS_1), GETBIT(Arity.KEY_PLUS_1), GETSET(Arity.KEY_PLUS_1),
    INCRBY(Arity.KEY_PLUS_1), INCRBYFLOAT(Arity.KEY_PLUS_1), SETNX(Arity.KEY_PLUS_1), HEXISTS(Arity.KEY_PLUS_1),
    HGET(Arity.KEY_PLUS_1), HSTRLEN(Arity.KEY_PLUS_1), LINDEX(Arity.KEY_PLUS_1), RPOPLPUSH(Arity.KEY_PLUS_1),
    SISMEMBER(Arity.KEY_PLUS_1), ZRANK(Arity.KEY_PLUS_1), ZREVRANK(Arity.KEY_PLUS_1), ZSCORE(Arity.KEY_PLUS_1),
    // key + 2
    GETRANGE(Arity.KEY_PLUS_2), PSETEX(Arity.KEY_PLUS_2), SETBIT(Arity.KEY_PLUS_2), SETEX(Arity.KEY_PLUS_2),
    SETRANGE(Arity.KEY_PLUS_2), HINCRBY(Arity.KEY_PLUS_2), HINCRBYFLOAT(Arity.KEY_PLUS_2), HSETNX(Arity.KEY_PLUS_2),
    LRANGE(Arity.KEY_PLUS_2), LREM(Arity.KEY_PLUS_2), LSET(Arity.KEY_PLUS_2), LTRIM(Arity.KEY_PLUS_2),
    SMOVE(Arity.KEY_PLUS_2), ZCOUNT(Arity.KEY_PLUS_2), ZLEXCOUNT(Arity.KEY_PLUS_2), ZINCRBY(Arity.KEY_PLUS_2),
    ZREMRANGEBYLEX(Arity.KEY_PLUS_2), ZREMRANGEBYRANK(Arity.KEY_PLUS_2), ZREMRANGEBYSCORE(Arity.KEY_PLUS_2),
    // key + 3
    LINSERT(Arity.KEY_PLUS_3), LMOVE(Arity.KEY_PLUS_3),
    // key + any
    SORT(Arity.KEY_ANY), COPY(Arity.KEY_ANY), BITCOUNT(Arity.KEY_ANY), BITPOS(Arity.KEY_ANY),
    BITFIELD(Arity.KEY_ANY), GETEX(Arity.KEY_ANY), SET(Arity.KEY_ANY), HDEL(Arity.KEY_ANY),
    HMGET(Arity.KEY_ANY), HMSET(Arity.KEY_ANY), HSCAN(Arity.KEY_ANY), HSET(Arity.KEY_ANY),
    HRANDFIELD(Arity.KEY_ANY), LPUSH(Arity.KEY_ANY), LPUSHX(Arity.KEY_ANY), RPUSH(Arity.KEY_ANY),
    RPUSHX(Arity.KEY_ANY), LPOP(Arity.KEY_ANY), RPOP(Arity.KEY_ANY), LPOS(Arity.KEY_ANY), SADD(Arity.KEY_ANY),
    SDIFF(Arity.KEY_ANY), SDIFFSTORE(Arity.KEY_ANY), SINTER(Arity.KEY_ANY), SINTERSTORE(Arity.KEY_ANY),
    SREM(Arity.KEY_ANY), SUNION(Arity.KEY_ANY), SUNIONSTORE(Arity.KEY_ANY), SRANDMEMBER(Arity.KEY_ANY),
    SSCAN(Arity.KEY_ANY), SPOP(Arity.KEY_ANY), SMISMEMBER(Arity.KEY_ANY), PFADD(Arity.KEY_ANY),
    PFMERGE(Arity.KEY_ANY), PFCOUNT(Arity.KEY_ANY), ZADD(Arity.KEY_ANY), ZDIFFSTORE(Arity.KEY_ANY),
    ZINTERSTORE(Arity.KEY_ANY), ZMSCORE(Arity.KEY_ANY), ZPOPMAX(Arity.KEY_ANY), ZPOPMIN(Arity.KEY_ANY),
    ZRANDMEMBER(Arity.KEY_ANY), ZRANGE(Arity.KEY_ANY), ZRANGEBYLEX(Arity.KEY_ANY), ZRANGEBYSCORE(Arity.KEY_ANY),
    ZRANGESTORE(Arity.KEY_ANY), ZREM(Arity.KEY_ANY), ZREVRANGE(Arity.KEY_ANY), ZREVRANGEBYLEX(Arity.KEY_ANY),
    ZREVRANGEBYSCORE(Arity.KEY_ANY), ZSCAN(Arity.KEY_ANY), ZUNIONSTORE(Arity.KEY_ANY), GEODIST(Arity.KEY_ANY),
    GEOPOS(Arity.KEY_ANY), GEOHASH(Arity.KEY_ANY), GEOADD(Arity.KEY_ANY), GEORADIUS(Arity.KEY_ANY),
    GEORADIUSBYMEMBER(Arity.KEY_ANY), GEOSEARCH(Arity.KEY_ANY), GEOSEARCHSTORE(Arity.KEY_ANY),
    RESTORE(Arity.KEY_ANY),
    // numkeys first: routed by the first real key (twemproxy hashes the numkeys argument)
    ZDIFF(Arity.NUMKEYS_FIRST), ZINTER(Arity.NUMKEYS_FIRST), ZUNION(Arity.NUMKEYS_FIRST),
    // fragmented
    MGET(Arity.MULTI_KEY, Merge.ARRAY_IN_KEY_ORDER), DEL(Arity.MULTI_KEY, Merge.SUM_OF_INTEGERS),
    UNLINK(Arity.MULTI_KEY, Merge.SUM_OF_INTEGERS), TOUCH(Arity.MULTI_KEY, Merge.SUM_OF_INTEGERS),
    EXISTS(Arity.MULTI_KEY, Merge.SUM_OF_INTEGERS), MSET(Arity.KEY_VALUE_PAIRS, Merge.ALL_OK),
    // scripts
    EVAL(Arity.SCRIPT), EVALSHA(Arity.SCRIPT),
    // keyless, forwarded to the server of the key "placeholder"
    COMMAND(Arity.NO_ARGUMENT), LOLWUT(Arity.NO_KEY),
    // answered by the proxy
    PING(Arity.LOCAL_NO_ARGUMENT), QUIT(Arity.QUIT), AUTH(Arity.LOCAL_ONE_ARGUMENT);

    /** Argument-count classes, as twemproxy checks them. {@code argc} counts the command name. */
    enum Arity {
        KEY_ONLY(Route.KEY, 2, 2), KEY_PLUS_1(Route.KEY, 3, 3), KEY_PLUS_2(Route.KEY, 4, 4),
        KEY_PLUS_3(Route.KEY, 5, 5), KEY_ANY(Route.KEY, 2, Integer.MAX_VALUE),
        NUMKEYS_FIRST(Route.GATHER, 3, Integer.MAX_VALUE),
        MULTI_KEY(Route.FRAGMENT, 2, Integer.MAX_VALUE), KEY_VALUE_PAIRS(Route.FRAGMENT, 3, Integer.MAX_VALUE),
        SCRIPT(Route.KEY, 4, Integer.MAX_VALUE),
        NO_ARGUMENT(Route.PLACEHOLDER, 1, 1), NO_KEY(Route.PLACEHOLDER, 1, Integer.MAX_VALUE),
        LOCAL_NO_ARGUMENT(Route.LOCAL, 1, 1), LOCAL_ONE_ARGUMENT(Route.LOCAL, 2, 2), QUIT(Route.QUIT, 1, 1);

        final Route route;
        final int minArgc;
        final int maxArgc;

        Arity(Route route, int minArgc, int maxArgc) {
            this.route = route;
            this.minArgc = minArgc;
            this.maxArgc = maxArgc;
        }
    }

    /** Longest command name, so longer first arguments are rejected without a lookup. */
    static final int MAX_NAME_LENGTH = 17;
    private static final int TABLE_SIZE = 512;
    private static final RedisCommand[] TABLE = new RedisCommand[TABLE_SIZE];

    static {
        for (RedisCommand c : values()) {
            int slot = slot(c.lowerName, c.lowerName.length);
            while (TABLE[slot] != null) {
                slot = (slot + 1) & (TABLE_SIZE - 1);
            }
            TABLE[slot] = c;
        }
    }

    final Arity arity;
    private final Merge merge;
    private final byte[] lowerName;
    private final String lowerNameString;
    /** The name as a RESP bulk string, {@code $4\r\nmget\r\n}, as twemproxy writes it in fragments. */
    private final byte[] nameBulk;

    RedisCommand(Arity arity) {
        this(arity, Merge.NONE);
    }

    RedisCommand(Arity arity, Merge merge) {
        this.arity = arity;
        this.merge = merge;
        this.lowerNameString = name().toLowerCase(Locale.ROOT);
        this.lowerName = lowerNameString.getBytes(StandardCharsets.US_ASCII);
        this.nameBulk = ("$" + lowerName.length + "\r\n" + lowerNameString + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The command whose name is {@code buf[offset, offset+length)} in any case, or null. The name is read once,
     * into {@code scratch} (at least {@link #MAX_NAME_LENGTH} bytes, the caller's own) in lower case.
     */
    static RedisCommand lookup(ByteBuf buf, int offset, int length, byte[] scratch) {
        if (length == 0 || length > MAX_NAME_LENGTH) {
            return null;
        }
        for (int i = 0; i < length; i++) {
            scratch[i] = toLower(buf.getByte(offset + i));
        }
        for (int slot = slot(scratch, length); TABLE[slot] != null; slot = (slot + 1) & (TABLE_SIZE - 1)) {
            byte[] name = TABLE[slot].lowerName;
            if (Arrays.equals(name, 0, name.length, scratch, 0, length)) {
                return TABLE[slot];
            }
        }
        return null;
    }

    /** The table slot of the lower-case name {@code name[0, length)}. */
    private static int slot(byte[] name, int length) {
        int h = length;
        for (int i = 0; i < length; i++) {
            h = h * 31 + name[i];
        }
        return spread(h);
    }

    private static int spread(int h) {
        return (h ^ (h >>> 9)) & (TABLE_SIZE - 1);
    }

    private static byte toLower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    /** Whether {@code argc} arguments (command name included) are allowed. */
    boolean acceptsArgc(int argc) {
        if (argc < arity.minArgc || argc > arity.maxArgc) {
            return false;
        }
        return arity != Arity.KEY_VALUE_PAIRS || (argc & 1) == 1;
    }

    /** Index of the argument that routes a {@link Route#KEY} command (EVAL's first key). */
    int routingArgument() {
        return arity == Arity.SCRIPT ? 3 : 1;
    }

    /** Index of the numkeys argument (EVAL's, ZUNION's), or -1. */
    int numkeysArgument() {
        switch (arity) {
            case NUMKEYS_FIRST:
                return 1;
            case SCRIPT:
                return 2;
            default:
                return -1;
        }
    }

    byte[] nameBulk() {
        return nameBulk;
    }

    @Override
    public Route route() {
        return arity.route;
    }

    @Override
    public Merge merge() {
        return merge;
    }

    @Override
    public int keyStep() {
        return arity == Arity.KEY_VALUE_PAIRS ? 2 : 1;
    }

    @Override
    public String commandName() {
        return lowerNameString;
    }
}
