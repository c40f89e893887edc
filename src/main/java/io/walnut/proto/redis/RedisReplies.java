package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** The replies the proxy writes itself on Redis pools, byte for byte as twemproxy writes them where it does. */
final class RedisReplies {
    static final ByteBuf PONG = constant("+PONG\r\n");
    static final ByteBuf OK = constant("+OK\r\n");
    /** twemproxy's text, without the trailing period of Redis's own. */
    static final ByteBuf NOAUTH = constant("-NOAUTH Authentication required\r\n");
    static final ByteBuf INVALID_PASSWORD = constant("-ERR invalid password\r\n");
    static final ByteBuf NO_PASSWORD_SET = constant("-ERR Client sent AUTH, but no password is set\r\n");

    private RedisReplies() {
    }

    /** {@code -<text>\r\n}; {@code text} starts with the error code, e.g. {@code ERR ...}. */
    static ByteBuf error(String text) {
        return Unpooled.wrappedBuffer(("-" + text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private static final byte[][] FAILURE_PREFIXES = {
        "-OOM".getBytes(StandardCharsets.US_ASCII),
        "-BUSY".getBytes(StandardCharsets.US_ASCII),
        "-LOADING".getBytes(StandardCharsets.US_ASCII),
    };

    /** Errors twemproxy treats as the server failing rather than the request: OOM, BUSY, LOADING. */
    static boolean isServerFailure(ByteBuf error) {
        for (byte[] prefix : FAILURE_PREFIXES) {
            if (startsWith(error, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(ByteBuf b, byte[] prefix) {
        if (b.readableBytes() <= prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(b.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        byte after = b.getByte(b.readerIndex() + prefix.length);
        return after == ' ' || after == '\r';
    }

    /** A shared reply; each use takes {@link ByteBuf#duplicate()} so its indexes are its own. */
    private static ByteBuf constant(String text) {
        ByteBuf b = Unpooled.directBuffer(text.length()).writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        return Unpooled.unreleasableBuffer(b.asReadOnly());
    }
}
