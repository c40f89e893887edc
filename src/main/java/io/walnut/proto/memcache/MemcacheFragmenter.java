package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walnut.core.Message;
import io.walnut.proto.SliceAssembler;

/**
 * Builds the per-server fragment of a multi-key get or gets as twemproxy writes it: {@code get k1 k2 ... \r\n},
 * with a space after every key, the last included. The keys are taken from the original request's bytes; a key
 * that is followed by a space there is taken with it, so runs of keys join into one range.
 */
final class MemcacheFragmenter {
    private static final ByteBuf GET = MemcacheReplies.constant("get ");
    private static final ByteBuf GETS = MemcacheReplies.constant("gets ");
    private static final ByteBuf SPACE = MemcacheReplies.constant(" ");
    private static final ByteBuf CRLF = MemcacheReplies.constant("\r\n");

    private MemcacheFragmenter() {
    }

    static ByteBuf fragment(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        ByteBuf request = parent.buf();
        boolean gets = parent.command() == MemcacheCommand.GETS_MULTI;
        SliceAssembler out = SliceAssembler.get().add(gets ? GETS : GET);
        for (int i = from; i < from + count; i++) {
            int key = keyIndexes[i];
            int start = parent.keyStart(key);
            int length = parent.keyLength(key);
            if (request.getByte(start + length) == ' ') {
                out.add(request, start, length + 1);
            } else {
                out.add(request, start, length).add(SPACE);
            }
        }
        return out.add(CRLF).build(alloc);
    }
}
