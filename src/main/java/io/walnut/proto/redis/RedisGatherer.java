package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walnut.core.Message;
import io.walnut.proto.SliceAssembler;

import java.util.concurrent.ThreadLocalRandom;

/**
 * ZUNION, ZINTER and ZDIFF over keys on several servers (twemproxy sends them whole to the server its hash of
 * the numkeys argument picks, so they see only some keys). Phase one reads the keys of each other server with
 * DUMP, in one EVAL per server; phase two, on the first key's server, RESTOREs them under temporary names,
 * runs the command with those names in place, deletes them and returns the command's own reply. The answer
 * is the one a single server holding every key gives, and Redis itself computes it.
 */
final class RedisGatherer {
    private static final String DUMP_SCRIPT =
            "local r = {} for i, k in ipairs(KEYS) do r[i] = redis.call('DUMP', k) or '' end return r";
    /** Temporary keys expire by themselves should the DEL never run. */
    private static final String RUN_SCRIPT = "for i = 1, #KEYS do if ARGV[i] ~= '' then "
            + "redis.call('RESTORE', KEYS[i], 60000, ARGV[i], 'REPLACE') end end "
            + "local r = redis.pcall(unpack(ARGV, #KEYS + 1)) "
            + "if #KEYS > 0 then redis.call('DEL', unpack(KEYS)) end return r";

    private RedisGatherer() {
    }

    static ByteBuf readKeys(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        SliceAssembler out = SliceAssembler.get();
        ByteBuf header = out.scratch();
        RedisFragmenter.writeArrayHeader(header, 3 + count);
        RedisFragmenter.writeBulk(header, "EVAL");
        RedisFragmenter.writeBulk(header, DUMP_SCRIPT);
        RedisFragmenter.writeBulk(header, Integer.toString(count));
        out.addWritten(0);
        ByteBuf request = parent.buf();
        for (int i = from; i < from + count; i++) {
            int key = keyIndexes[i];
            int start = parent.keyArgStart(key);
            out.add(request, start, parent.keyStart(key) + parent.keyLength(key) + 2 - start);
        }
        return out.build(alloc);
    }

    /** Phase two's request, or null when a phase-one reply is not the array of dumps it must be. */
    static ByteBuf run(ByteBufAllocator alloc, Message parent, int[] keyFragment) {
        int keys = parent.keyCount();
        int[] nextDump = new int[parent.fragmentCount()];
        int remote = 0;
        for (int i = 0; i < keys; i++) {
            if (keyFragment[i] >= 0) {
                remote++;
                nextDump[keyFragment[i]]++;
            }
        }
        for (int f = 0; f < parent.fragmentCount(); f++) {
            Message dumps = parent.fragment(f).peer();
            if (dumps.kind() != RedisReplyDecoder.ARRAY || dumps.elementCount() != nextDump[f]) {
                return null;
            }
            nextDump[f] = 0;
        }
        ByteBuf request = parent.buf();
        int firstArg = request.indexOf(0, request.writerIndex(), (byte) '\n') + 1;
        int argc = Integer.parseInt(request.toString(1, firstArg - 3, java.nio.charset.StandardCharsets.US_ASCII));
        String prefix = "walnut:gather:" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";

        SliceAssembler out = SliceAssembler.get();
        ByteBuf fresh = out.scratch();
        RedisFragmenter.writeArrayHeader(fresh, 3 + 2 * remote + argc);
        RedisFragmenter.writeBulk(fresh, "EVAL");
        RedisFragmenter.writeBulk(fresh, RUN_SCRIPT);
        RedisFragmenter.writeBulk(fresh, Integer.toString(remote));
        int[] tmpNameStart = new int[keys];
        int[] tmpNameEnd = new int[keys];
        for (int i = 0, t = 0; i < keys; i++) {
            if (keyFragment[i] >= 0) {
                tmpNameStart[i] = fresh.writerIndex();
                RedisFragmenter.writeBulk(fresh, prefix + t++);
                tmpNameEnd[i] = fresh.writerIndex();
            }
        }
        int namesEnd = fresh.writerIndex();
        out.add(fresh, 0, namesEnd);
        for (int i = 0; i < keys; i++) {
            int f = keyFragment[i];
            if (f >= 0) {
                Message dumps = parent.fragment(f).peer();
                int e = nextDump[f]++;
                out.add(dumps.buf(), dumps.elementStart(e), dumps.elementLength(e));
            }
        }
        int copied = firstArg;
        for (int i = 0; i < keys; i++) {
            int argStart = parent.keyArgStart(i);
            int argEnd = parent.keyStart(i) + parent.keyLength(i) + 2;
            out.add(request, copied, argStart - copied);
            if (keyFragment[i] >= 0) {
                out.add(fresh, tmpNameStart[i], tmpNameEnd[i] - tmpNameStart[i]);
            } else {
                out.add(request, argStart, argEnd - argStart);
            }
            copied = argEnd;
        }
        out.add(request, copied, request.writerIndex() - copied);
        return out.build(alloc);
    }
}
