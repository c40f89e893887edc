package io.walnut.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** Buffers from text and back, one byte per character, for tests of code that holds and writes buffers. */
public final class Bytes {
    private Bytes() {
    }

    /** A direct buffer holding {@code s}, reference count 1, for the caller to release. */
    public static ByteBuf direct(String s) {
        ByteBuf b = Unpooled.directBuffer(s.length());
        b.writeCharSequence(s, StandardCharsets.ISO_8859_1);
        return b;
    }

    /** The readable bytes of {@code b}, indexes untouched. */
    public static String text(ByteBuf b) {
        return b.toString(b.readerIndex(), b.readableBytes(), StandardCharsets.ISO_8859_1);
    }
}
