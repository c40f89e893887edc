package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;

/**
 * Builds a fragment or a merged reply from a small new header and ranges of buffers already received.
 * Adjacent ranges of one buffer are joined. A small result is copied into one buffer (cheaper to write than a
 * composite of tiny slices); a large one is a composite of retained slices, so large values are never copied.
 *
 * <p>One per event-loop thread ({@link #get()}), reused; not thread-safe.
 */
public final class SliceAssembler {
    /** Results up to this size are copied into one buffer. */
    static final int COPY_LIMIT = 2048;

    private static final FastThreadLocal<SliceAssembler> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected SliceAssembler initialValue() {
            return new SliceAssembler();
        }
    };

    private ByteBuf[] sources = new ByteBuf[16];
    private int[] starts = new int[16];
    private int[] lengths = new int[16];
    private int count;
    private int total;

    /** This thread's assembler, emptied. */
    public static SliceAssembler get() {
        SliceAssembler a = PER_THREAD.get();
        a.clear();
        return a;
    }

    /** Appends {@code source[index, index+length)}; the source must stay alive until {@link #build}. */
    public SliceAssembler add(ByteBuf source, int index, int length) {
        if (length == 0) {
            return this;
        }
        total += length;
        int last = count - 1;
        if (last >= 0 && sources[last] == source && starts[last] + lengths[last] == index) {
            lengths[last] += length;
            return this;
        }
        if (count == sources.length) {
            sources = Arrays.copyOf(sources, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
        }
        sources[count] = source;
        starts[count] = index;
        lengths[count] = length;
        count++;
        return this;
    }

    /** Appends all readable bytes of {@code source}. */
    public SliceAssembler add(ByteBuf source) {
        return add(source, source.readerIndex(), source.readableBytes());
    }

    /** The assembled bytes, owned by the caller; the assembler is emptied. */
    public ByteBuf build(ByteBufAllocator alloc) {
        ByteBuf result;
        if (total <= COPY_LIMIT) {
            result = alloc.directBuffer(total);
            for (int i = 0; i < count; i++) {
                result.writeBytes(sources[i], starts[i], lengths[i]);
            }
        } else {
            CompositeByteBuf composite = alloc.compositeDirectBuffer(Math.max(count, 2));
            for (int i = 0; i < count; i++) {
                composite.addComponent(true, sources[i].retainedSlice(starts[i], lengths[i]));
            }
            result = composite;
        }
        clear();
        return result;
    }

    private void clear() {
        Arrays.fill(sources, 0, count, null);
        count = 0;
        total = 0;
    }
}
