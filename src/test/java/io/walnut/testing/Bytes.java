package io.walnut.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/** Buffers from text and back, one byte per character, and byte arrays joined, for tests. */
public final class Bytes {
    private Bytes() {
    }

    /** A direct buffer holding {@code s}, reference count 1, for the caller to release. */
    public static ByteBuf direct(String s) {
        ByteBuf b = Unpooled.directBuffer(s.length());
        b.writeCharSequence(s, StandardCharsets.ISO_8859_1);
        return b;
    }

    /** {@code parts} one after another. */
    public static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        return ByteBufUtil.getBytes(all);
    }

    /** The readable bytes of {@code b}, indexes untouched. */
    public static String text(ByteBuf b) {
        return b.toString(b.readerIndex(), b.readableBytes(), StandardCharsets.ISO_8859_1);
    }
}
