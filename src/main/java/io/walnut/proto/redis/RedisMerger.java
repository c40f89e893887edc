package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walnut.core.Message;
import io.walnut.proto.Command;
import io.walnut.proto.SliceAssembler;

/**
 * Merges the fragments' replies of a multi-key command into the reply the client asked for, by the command's
 * merge kind: MGET's array in key order, the sum of DEL/UNLINK/TOUCH/EXISTS counts, MSET's single OK. A fragment
 * whose reply does not fit (an error, or another type) makes the whole reply twemproxy's
 * {@code -ERR Invalid argument}.
 */
final class RedisMerger {
    static final String INVALID_ARGUMENT = "ERR Invalid argument";

    private RedisMerger() {
    }

    static ByteBuf merge(ByteBufAllocator alloc, Message parent) {
        Command.Merge kind = parent.command().merge();
        switch (kind) {
            case ARRAY_IN_KEY_ORDER:
                return arrayInKeyOrder(alloc, parent);
            case SUM_OF_INTEGERS:
                return sumOfIntegers(alloc, parent);
            case ALL_OK:
                return allOk(parent);
            default:
                throw new IllegalStateException("not a redis merge: " + kind);
        }
    }

    private static ByteBuf arrayInKeyOrder(ByteBufAllocator alloc, Message parent) {
        int fragments = parent.fragmentCount();
        SliceAssembler out = SliceAssembler.get();
        int[] next = out.cursors(fragments);
        for (int i = 0; i < parent.keyCount(); i++) {
            next[parent.fragmentOfKey(i)]++;
        }
        for (int f = 0; f < fragments; f++) {
            Message reply = parent.fragment(f).peer();
            if (reply.kind() != RedisReplyDecoder.ARRAY || reply.elementCount() != next[f]) {
                return RedisReplies.error(INVALID_ARGUMENT);
            }
            next[f] = 0;
        }
        RedisFragmenter.writeArrayHeader(out.scratch(), parent.keyCount());
        out.addWritten(0);
        for (int i = 0; i < parent.keyCount(); i++) {
            int f = parent.fragmentOfKey(i);
            Message reply = parent.fragment(f).peer();
            int element = next[f]++;
            reply.addBytesTo(out, reply.elementStart(element), reply.elementLength(element));
        }
        return out.build(alloc);
    }

    private static ByteBuf sumOfIntegers(ByteBufAllocator alloc, Message parent) {
        long sum = 0;
        for (int f = 0; f < parent.fragmentCount(); f++) {
            Message reply = parent.fragment(f).peer();
            if (reply.kind() != RedisReplyDecoder.INTEGER) {
                return RedisReplies.error(INVALID_ARGUMENT);
            }
            sum += reply.integer();
        }
        ByteBuf b = alloc.directBuffer(24);
        b.writeByte(':');
        RedisFragmenter.writeDecimal(b, sum);
        return b.writeByte('\r').writeByte('\n');
    }

    private static ByteBuf allOk(Message parent) {
        for (int f = 0; f < parent.fragmentCount(); f++) {
            if (parent.fragment(f).peer().kind() != RedisReplyDecoder.STATUS) {
                return RedisReplies.error(INVALID_ARGUMENT);
            }
        }
        return RedisReplies.OK.duplicate();
    }
}
