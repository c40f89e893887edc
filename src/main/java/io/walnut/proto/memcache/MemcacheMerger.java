package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.walnut.core.Message;
import io.walnut.proto.SliceAssembler;


/**
 * Merges the fragments' replies of a multi-key get or gets into one reply with the found values in request
 * order, then one {@code END}.
 *
 * <p>memcached answers a fragment's hits in the fragment's key order and leaves misses out, so a fragment's
 * VALUE blocks are a subsequence of its keys. Walking the requested keys in order, each key takes the next block
 * of its fragment only if that block is for this very key; a missing key takes nothing, and a repeated key
 * takes the repeats memcached sends. (twemproxy takes the next block whatever its key, so after a miss later
 * values land in the wrong slots.) A fragment reply that is not a retrieval reply makes the whole reply
 * twemproxy's {@code SERVER_ERROR Invalid argument}.
 */
final class MemcacheMerger {
    private static final int VALUE_PREFIX = "VALUE ".length();

    private MemcacheMerger() {
    }

    static ByteBuf merge(ByteBufAllocator alloc, Message parent) {
        int fragments = parent.fragmentCount();
        for (int f = 0; f < fragments; f++) {
            if (parent.fragment(f).peer().kind() != MemcacheReplyDecoder.RETRIEVAL) {
                return MemcacheReplies.serverError(MemcacheReplies.INVALID_ARGUMENT);
            }
        }
        SliceAssembler out = SliceAssembler.get();
        int[] next = out.cursors(fragments);
        ByteBuf request = parent.buf();
        for (int i = 0; i < parent.keyCount(); i++) {
            int f = parent.fragmentOfKey(i);
            Message reply = parent.fragment(f).peer();
            int block = next[f];
            if (block < reply.elementCount()
                    && isBlockOf(reply, block, request, parent.keyStart(i), parent.keyLength(i))) {
                out.add(reply.buf(), reply.elementStart(block), reply.elementLength(block));
                next[f] = block + 1;
            }
        }
        return out.add(MemcacheReplies.END).build(alloc);
    }

    /** Whether VALUE block {@code block} of {@code reply} is for the key {@code request[keyStart, +keyLength)}. */
    private static boolean isBlockOf(Message reply, int block, ByteBuf request, int keyStart, int keyLength) {
        if (VALUE_PREFIX + keyLength >= reply.elementLength(block)) {
            return false;
        }
        int replyKey = reply.elementStart(block) + VALUE_PREFIX;
        ByteBuf bytes = reply.buf();
        return bytes.getByte(replyKey + keyLength) == ' '
                && ByteBufUtil.equals(bytes, replyKey, request, keyStart, keyLength);
    }
}
