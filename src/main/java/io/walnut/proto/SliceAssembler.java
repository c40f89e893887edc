package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;

/**
 * Builds a fragment, a merged reply, or one flush of a connection's output from ranges of buffers. Adjacent
 * ranges of one buffer are joined. Small pieces are copied together (cheaper to write than many tiny slices,
 * each an iovec and an entry in Netty's outbound buffer); large ones are shared as retained slices, so large
 * values are never copied.
 *
 * <p>Fragments and merges use the per-thread instance ({@link #get()}); each event loop's output has its own.
 * Reused; not thread-safe.
 */
public final class SliceAssembler {
    /** Pieces from this size on are shared, not copied. */
    static final int SHARE_AT = 4096;
    /** A copied run ends at this size, so that copies stay within the pooled allocator's usual sizes. */
    static final int MAX_RUN = 64 * 1024;

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
    /** The assembler releases this piece's source once the result is built (or hands the source on whole). */
    private boolean[] owned = new boolean[16];
    /**
     * References to an owned piece's source beyond the first, from the owned ranges joined to it: released in one
     * step with it, since each release is an atomic update (docs/performance.md, item 16).
     */
    private int[] joinedReferences = new int[16];
    private int count;
    /** The result's buffers, in order: copied runs and shared pieces. */
    private ByteBuf[] parts = new ByteBuf[16];

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
        if (length > 0 && !joinsLast(source, index, length, false)) {
            append(source, index, length, false);
        }
        return this;
    }

    /** Appends all readable bytes of {@code source}. */
    public SliceAssembler add(ByteBuf source) {
        return add(source, source.readerIndex(), source.readableBytes());
    }

    /** Appends all readable bytes of {@code source} and takes it over: the assembler releases it. */
    public void addOwned(ByteBuf source) {
        addOwned(source, source.readerIndex(), source.readableBytes());
    }

    /**
     * Appends {@code source[index, index+length)} and takes over one reference to {@code source}: the assembler
     * releases it. Ranges of one buffer that follow each other (requests or replies of one read) become one.
     */
    public void addOwned(ByteBuf source, int index, int length) {
        if (length == 0) {
            source.release();
        } else if (joinsLast(source, index, length, true)) {
            joinedReferences[count - 1]++;
        } else {
            append(source, index, length, true);
        }
    }

    /**
     * Extends the last piece by {@code source[index, index+length)} when that range follows it in the same buffer
     * (an owned range only joins a piece that owns its buffer too); false if it does not.
     */
    private boolean joinsLast(ByteBuf source, int index, int length, boolean own) {
        int last = count - 1;
        if (last < 0 || sources[last] != source || starts[last] + lengths[last] != index || own && !owned[last]) {
            return false;
        }
        lengths[last] += length;
        return true;
    }

    private void append(ByteBuf source, int index, int length, boolean own) {
        if (count == sources.length) {
            sources = Arrays.copyOf(sources, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            owned = Arrays.copyOf(owned, count * 2);
            joinedReferences = Arrays.copyOf(joinedReferences, count * 2);
        }
        sources[count] = source;
        starts[count] = index;
        lengths[count] = length;
        owned[count] = own;
        joinedReferences[count] = 0;
        count++;
    }

    /** The assembled bytes as one buffer, owned by the caller; the assembler is emptied. */
    public ByteBuf build(ByteBufAllocator alloc) {
        int n = makeParts(alloc);
        ByteBuf result;
        if (n == 1) {
            result = parts[0];
        } else if (n == 0) {
            result = Unpooled.EMPTY_BUFFER;
        } else {
            CompositeByteBuf composite = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
            for (int i = 0; i < n; i++) {
                composite.addComponent(true, parts[i]);
            }
            result = composite;
        }
        clearParts(n);
        clear();
        return result;
    }

    /**
     * Writes the assembled bytes to {@code channel}, one write per part, without flushing; the assembler is
     * emptied.
     */
    public void writeTo(Channel channel, ByteBufAllocator alloc) {
        int n = makeParts(alloc);
        int handedOver = 0;
        try {
            while (handedOver < n) {
                // Handed over before the call: a write that throws has released its buffer itself.
                channel.write(parts[handedOver++], channel.voidPromise());
            }
        } finally {
            // Whatever happens, the assembler is left empty for the next connection, and nothing leaks.
            for (int i = handedOver; i < n; i++) {
                parts[i].release();
            }
            clearParts(n);
            clear();
        }
    }

    /**
     * Splits the pieces into parts, in order: pieces of at least {@link #SHARE_AT} bytes are shared (retained
     * slices), runs of smaller ones are copied together, since copying a few hundred bytes costs less than a
     * slice and an iovec each. An owned piece that stands alone is handed on uncopied.
     */
    private int makeParts(ByteBufAllocator alloc) {
        int n = 0;
        int run = 0;
        int runBytes = 0;
        for (int i = 0; i < count; i++) {
            boolean shared = isShared(i);
            if (shared || runBytes + lengths[i] > MAX_RUN) {
                n = addRun(alloc, run, i, n);
                run = i;
                runBytes = 0;
            }
            if (shared) {
                n = addPart(share(i), n);
                run = i + 1;
            } else {
                runBytes += lengths[i];
            }
        }
        return addRun(alloc, run, count, n);
    }

    /** Pieces {@code [from, to)} as one part: an owned piece alone is handed on, anything else is copied. */
    private int addRun(ByteBufAllocator alloc, int from, int to, int n) {
        if (from == to) {
            return n;
        }
        return addPart(to - from == 1 && owned[from] ? share(from) : copyRun(alloc, from, to), n);
    }

    private int addPart(ByteBuf part, int n) {
        if (n == parts.length) {
            parts = Arrays.copyOf(parts, n * 2);
        }
        parts[n] = part;
        return n + 1;
    }

    /** The scratch buffer is reused, so its bytes are always copied. */
    private boolean isShared(int i) {
        return lengths[i] >= SHARE_AT && sources[i] != scratch;
    }

    /** Piece {@code i} without a copy: an owned source that is all piece is handed on, any other is sliced. */
    private ByteBuf share(int i) {
        ByteBuf source = sources[i];
        if (owned[i]) {
            owned[i] = false;
            if (starts[i] == source.readerIndex() && lengths[i] == source.readableBytes()) {
                if (joinedReferences[i] > 0) {
                    source.release(joinedReferences[i]);
                }
                return source;
            }
            ByteBuf slice = source.retainedSlice(starts[i], lengths[i]);
            source.release(1 + joinedReferences[i]);
            return slice;
        }
        return source.retainedSlice(starts[i], lengths[i]);
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

    private void clearParts(int n) {
        Arrays.fill(parts, 0, n, null);
    }

    /** Empties the assembler, releasing the sources it still owns. */
    private void clear() {
        scratch.clear();
        for (int i = 0; i < count; i++) {
            if (owned[i]) {
                owned[i] = false;
                sources[i].release(1 + joinedReferences[i]);
            }
            sources[i] = null;
        }
        count = 0;
    }
}
