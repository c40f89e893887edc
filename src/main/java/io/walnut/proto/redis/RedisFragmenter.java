package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.walnut.core.Message;
import io.walnut.proto.SliceAssembler;

import java.nio.charset.StandardCharsets;

/**
 * Builds the per-server fragment of a multi-key command: a new header with the lower-case command name, as
 * twemproxy writes it ({@code *<n>\r\n$4\r\nmget\r\n}), then the fragment's keys (with their values, for MSET)
 * taken from the original request's bytes.
 */
final class RedisFragmenter {
    private RedisFragmenter() {
    }

    static ByteBuf fragment(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        RedisCommand command = (RedisCommand) parent.command();
        SliceAssembler out = SliceAssembler.get();
        ByteBuf header = out.scratch();
        writeArrayHeader(header, 1 + count * command.keyStep());
        header.writeBytes(command.nameBulk());
        out.addWritten(0);
        for (int i = from; i < from + count; i++) {
            int key = keyIndexes[i];
            // A key's unit runs to the next key's argument (MSET: the key and its value), or to the end.
            int start = parent.keyArgStart(key);
            int end = key + 1 < parent.keyCount() ? parent.keyArgStart(key + 1) : parent.length();
            parent.addBytesTo(out, start, end - start);
        }
        return out.build(alloc);
    }

    /** A whole request, e.g. {@code AUTH <password>}, as RESP bytes (for the proxy's own requests). */
    static ByteBuf request(String... args) {
        ByteBuf b = Unpooled.buffer();
        writeArrayHeader(b, args.length);
        for (String arg : args) {
            writeBulk(b, arg);
        }
        return Unpooled.unreleasableBuffer(b.asReadOnly());
    }

    static void writeArrayHeader(ByteBuf b, int count) {
        b.writeByte('*');
        writeDecimal(b, count);
        b.writeByte('\r').writeByte('\n');
    }

    static void writeBulk(ByteBuf b, String arg) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        b.writeByte('$');
        writeDecimal(b, bytes.length);
        b.writeByte('\r').writeByte('\n').writeBytes(bytes).writeByte('\r').writeByte('\n');
    }

    /** Writes {@code value} in decimal ASCII, without making a String. */
    static void writeDecimal(ByteBuf b, long value) {
        if (value < 0) {
            b.writeByte('-');
            if (value == Long.MIN_VALUE) {
                b.writeCharSequence("9223372036854775808", StandardCharsets.US_ASCII);
                return;
            }
            value = -value;
        }
        long divisor = 1;
        while (divisor <= value / 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            b.writeByte((int) ('0' + value / divisor % 10));
        }
    }
}
