package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;

/**
 * Builds a fragment or a merged reply from a small new header and ranges of buffers already received.
 * Adjacent ranges of one buffer are joined. Small pieces are copied together (cheaper to write than many tiny
 * slices); large ones are retained slices in a composite, so large values are never copied.
 *
 * <p>One per event-loop thread ({@link #get()}), reused; not thread-safe.
 */
public final class SliceAssembler {
    /** Pieces from this size on are shared, not copied. */
    static final int SHARE_AT = 4096;

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

    /**
     * The assembled bytes, owned by the caller; the assembler is emptied. Pieces of at least {@link #SHARE_AT}
     * bytes are shared as retained slices; runs of smaller pieces are copied together, since copying a few
     * hundred bytes costs less than a slice and an iovec each.
     */
    public ByteBuf build(ByteBufAllocator alloc) {
        ByteBuf result;
        if (sharedPieces() == 0) {
            result = copyRun(alloc, 0, count);
        } else {
            CompositeByteBuf composite = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
            int run = 0;
            for (int i = 0; i < count; i++) {
                if (isShared(i)) {
                    if (run < i) {
                        composite.addComponent(true, copyRun(alloc, run, i));
                    }
                    composite.addComponent(true, sources[i].retainedSlice(starts[i], lengths[i]));
                    run = i + 1;
                }
            }
            if (run < count) {
                composite.addComponent(true, copyRun(alloc, run, count));
            }
            result = composite;
        }
        clear();
        return result;
    }

    private int sharedPieces() {
        int shared = 0;
        for (int i = 0; i < count; i++) {
            if (isShared(i)) {
                shared++;
            }
        }
        return shared;
    }

    /** The scratch buffer is reused, so its bytes are always copied. */
    private boolean isShared(int i) {
        return lengths[i] >= SHARE_AT && sources[i] != scratch;
    }

    /** Pieces {@code [from, to)} copied into one new buffer of exactly their size. */
    private ByteBuf copyRun(ByteBufAllocator alloc, int from, int to) {
        int size = 0;
        for (int i = from; i < to; i++) {
            size += lengths[i];
        }
        ByteBuf copy = alloc.directBuffer(size, size);
        for (int i = from; i < to; i++) {
            copy.writeBytes(sources[i], starts[i], lengths[i]);
        }
        return copy;
    }

    private void clear() {
        scratch.clear();
        Arrays.fill(sources, 0, count, null);
        count = 0;
        total = 0;
    }
}
