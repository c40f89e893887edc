package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
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

    /** New bytes (headers, counts) of the result being built; reused, so writing them allocates nothing. */
    private final ByteBuf scratch = Unpooled.buffer(256);
    private int[] cursors = new int[16];
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

    /**
     * A buffer for new bytes of the result: write them, then {@link #add(ByteBuf, int, int)} their range (or
     * {@link #addWritten(int)}). Valid until {@link #build}.
     */
    public ByteBuf scratch() {
        return scratch;
    }

    /** Appends what was written to {@link #scratch()} since index {@code from}. */
    public SliceAssembler addWritten(int from) {
        return add(scratch, from, scratch.writerIndex() - from);
    }

    /** Per-fragment cursors for a merge, {@code count} of them zeroed; valid until the next {@link #get()}. */
    public int[] cursors(int count) {
        if (cursors.length < count) {
            cursors = new int[Math.max(count, cursors.length * 2)];
        }
        Arrays.fill(cursors, 0, count, 0);
        return cursors;
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
                // The scratch buffer is reused: its bytes are copied; everything else is shared.
                ByteBuf part = sources[i] == scratch
                        ? alloc.directBuffer(lengths[i]).writeBytes(scratch, starts[i], lengths[i])
                        : sources[i].retainedSlice(starts[i], lengths[i]);
                composite.addComponent(true, part);
            }
            result = composite;
        }
        clear();
        return result;
    }

    private void clear() {
        scratch.clear();
        Arrays.fill(sources, 0, count, null);
        count = 0;
        total = 0;
    }
}
