package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The replies the proxy writes itself on memcached pools: memcached's own words where it has them
 * ({@code ERROR}, {@code CLIENT_ERROR ...}), twemproxy's for failures ({@code SERVER_ERROR <strerror>}).
 */
final class MemcacheReplies {
    /** memcached's reply to a command it does not know. */
    static final ByteBuf ERROR = constant("ERROR\r\n");
    static final ByteBuf END = constant("END\r\n");
    /** twemproxy's reply when a fragment's reply can't be merged. */
    static final String INVALID_ARGUMENT = "Invalid argument";

    private MemcacheReplies() {
    }

    /** {@code CLIENT_ERROR <reason>\r\n}: a request the proxy refuses. */
    static ByteBuf clientError(String reason) {
        return line("CLIENT_ERROR " + reason);
    }

    /** {@code SERVER_ERROR <reason>\r\n}: a failure the proxy saw or caused. */
    static ByteBuf serverError(String reason) {
        return line("SERVER_ERROR " + reason);
    }

    private static ByteBuf line(String text) {
        return Unpooled.wrappedBuffer((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A shared reply or piece; each use takes {@link ByteBuf#duplicate()} so its indexes are its own. */
    static ByteBuf constant(String text) {
        ByteBuf b = Unpooled.directBuffer(text.length()).writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        return Unpooled.unreleasableBuffer(b.asReadOnly());
    }
}
