package io.walnut.core;

import io.netty.buffer.ByteBuf;
import io.walnut.dist.Placement;
import io.walnut.proto.Command;
import io.walnut.proto.ReferenceBatch;
import io.walnut.proto.SliceAssembler;

/**
 * A request or a reply, parsed once (twemproxy's {@code struct msg}).
 *
 * <p>Its bytes are a retained range of the pooled buffer they were read into ({@code source[offset,
 * offset + length)}, the message holding one reference to the buffer): forwarding writes that range, so no byte is
 * copied between receive and send. The range is not a slice object of its own: without one per message the
 * proxy spends 12 % less CPU at pipeline depth 16 (docs/performance.md, item 10); {@link #buf()} makes one on
 * demand for the protocols' fragments and merges. Decoders record spans relative to the first byte: for a
 * request the keys (start of the argument, start of the key bytes, key length), for a reply its top-level
 * elements (start, length), so routing, fragmenting and merging never re-parse.
 *
 * <p>A request's reply is attached as its {@link #peer()}. Messages are recycled through the owning event
 * loop's {@link MessagePool}. Confined to one event loop; not thread-safe.
 */
public final class Message {
    private static final int KEY_FIELDS = 3;
    private static final int ELEMENT_FIELDS = 2;

    /** The buffer holding this message's bytes, one reference of it owned by the message; null when none. */
    private ByteBuf source;
    private int offset;
    /** The message's size in bytes. */
    int length;
    /** {@link #buf()}'s slice, made on first use. */
    private ByteBuf view;
    Command command;
    private int[] spans = new int[KEY_FIELDS * 4];
    private int spanCount;

    /** Reply: its kind, as the protocol's reply decoder defines it. */
    byte kind;
    /** Reply: an integer reply's value. */
    long integer;

    /** Request: the error reply for a request the decoder rejected. */
    ByteBuf rejection;
    /** Request: no reply is expected (memcached noreply). */
    boolean noreply;
    /** Request: the connection closes once this request's reply has been written. */
    boolean closeAfter;

    ClientConnection client;
    Message peer;
    boolean done;
    /** Request: its reply is an error the proxy made (counted as forward_error). */
    boolean failed;
    /** Request whose client has gone: its reply is read and dropped, keeping the server queue in step. */
    boolean swallow;
    /** Request: written to a server by the proxy itself (AUTH, SELECT); its reply is dropped. */
    boolean internal;

    Message parent;
    Message[] fragments;
    int fragmentCount;
    int fragmentsDone;
    int[] keyFragment;
    /** A gathered request whose phase two has been sent. */
    boolean gathered;

    long queuedAtNanos;
    /** Request: when the client's request was read, for the pool's latency histogram. */
    long receivedAtNanos;
    /** Request: its size as written to the server, for the queue and byte stats. */
    int wireLength;
    /** Request: the bytes its client holds for it (the request, then its reply), for backpressure. */
    long heldBytes;
    int serverIndex;

    // ---- for decoders ----

    /** The message's bytes as a buffer of their own (index 0 is the first byte), valid while the message is. */
    public ByteBuf buf() {
        if (view == null && source != null) {
            view = source.retainedSlice(offset, length);
        }
        return view;
    }

    /** The message's size in bytes. */
    public int length() {
        return length;
    }

    /**
     * Adds bytes {@code [from, from + length)} of the message (0 is its first byte) to {@code out}, as
     * {@link SliceAssembler#add(ByteBuf, int, int)} does: for fragments and merges, which read a message's bytes
     * but leave them to it, without the slice object {@link #buf()} makes.
     */
    public void addBytesTo(SliceAssembler out, int from, int length) {
        out.add(source, offset + from, length);
    }

    /**
     * Takes the next {@code length} readable bytes of {@code in} (reading past them) as this message's bytes, with
     * a reference to {@code in} from {@code references}.
     */
    public void takeBytes(ByteBuf in, int length, ReferenceBatch references) {
        setBytes(references.take(in), in.readerIndex(), length);
        in.skipBytes(length);
    }

    /** Takes over {@code buf}: its readable bytes are this message's bytes. */
    public void setBuf(ByteBuf buf) {
        setBytes(buf, buf.readerIndex(), buf.readableBytes());
    }

    private void setBytes(ByteBuf source, int offset, int length) {
        this.source = source;
        this.offset = offset;
        this.length = length;
    }

    boolean hasBytes() {
        return source != null;
    }

    /** The same bytes as {@code other}'s, sharing its buffer. */
    void shareBytes(Message other) {
        setBytes(other.source.retain(), other.offset, other.length);
    }

    /** Hands the bytes over to {@code out}, which releases them once written; the message keeps none. */
    void moveBytesTo(SliceAssembler out) {
        out.addOwned(source, offset, length);
        source = null;
        release(view);
        view = null;
    }

    /** The server of key {@code i} under {@code placement}. */
    int serverOfKey(Placement placement, int i) {
        return placement.serverIndex(source, offset + keyStart(i), keyLength(i));
    }

    public Command command() {
        return command;
    }

    public void setCommand(Command command) {
        this.command = command;
    }

    public void setNoreply(boolean noreply) {
        this.noreply = noreply;
    }

    public boolean noreply() {
        return noreply;
    }

    /** A request the decoder rejects: the proxy answers {@code reply} in its turn, then closes if asked. */
    public void reject(ByteBuf reply, boolean close) {
        this.peer = null;
        this.done = true;
        this.closeAfter = close;
        this.rejection = reply;
    }

    public boolean isRejected() {
        return rejection != null;
    }

    /** The error reply of a rejected request (see {@link #reject}). */
    public ByteBuf rejection() {
        return rejection;
    }

    /** Whether the connection closes once this request is answered. */
    public boolean closeAfter() {
        return closeAfter;
    }

    public void addKey(int argStart, int keyStart, int keyLength) {
        int at = grow(KEY_FIELDS);
        spans[at] = argStart;
        spans[at + 1] = keyStart;
        spans[at + 2] = keyLength;
    }

    public int keyCount() {
        return spanCount;
    }

    /** Where the key's whole argument starts (e.g. at redis {@code $}); equals {@link #keyStart} in memcached. */
    public int keyArgStart(int i) {
        return spans[i * KEY_FIELDS];
    }

    public int keyStart(int i) {
        return spans[i * KEY_FIELDS + 1];
    }

    public int keyLength(int i) {
        return spans[i * KEY_FIELDS + 2];
    }

    public void setKind(byte kind) {
        this.kind = kind;
    }

    public byte kind() {
        return kind;
    }

    public void setInteger(long value) {
        this.integer = value;
    }

    public long integer() {
        return integer;
    }

    public void addElement(int start, int length) {
        int at = grow(ELEMENT_FIELDS);
        spans[at] = start;
        spans[at + 1] = length;
    }

    public int elementCount() {
        return spanCount;
    }

    public int elementStart(int i) {
        return spans[i * ELEMENT_FIELDS];
    }

    public int elementLength(int i) {
        return spans[i * ELEMENT_FIELDS + 1];
    }

    private int grow(int fields) {
        int at = spanCount * fields;
        if (at + fields > spans.length) {
            int[] bigger = new int[Math.max(spans.length * 2, at + fields)];
            System.arraycopy(spans, 0, bigger, 0, at);
            spans = bigger;
        }
        spanCount++;
        return at;
    }

    // ---- for protocols' merges ----

    public Message peer() {
        return peer;
    }

    public int fragmentCount() {
        return fragmentCount;
    }

    public Message fragment(int i) {
        return fragments[i];
    }

    /** The fragment (index into {@link #fragment(int)}) that carries key {@code keyIndex}. */
    public int fragmentOfKey(int keyIndex) {
        return keyFragment[keyIndex];
    }

    public Message parent() {
        return parent;
    }

    /** Clears everything for reuse; the buffers it held are released. */
    void reset() {
        release(view);
        release(source);
        release(rejection);
        view = null;
        source = null;
        offset = 0;
        length = 0;
        rejection = null;
        command = null;
        spanCount = 0;
        kind = 0;
        integer = 0;
        noreply = false;
        closeAfter = false;
        client = null;
        peer = null;
        done = false;
        failed = false;
        swallow = false;
        internal = false;
        parent = null;
        if (fragments != null) {
            java.util.Arrays.fill(fragments, 0, fragmentCount, null);
        }
        fragmentCount = 0;
        fragmentsDone = 0;
        gathered = false;
        queuedAtNanos = 0;
        receivedAtNanos = 0;
        wireLength = 0;
        heldBytes = 0;
        serverIndex = 0;
    }

    private static void release(ByteBuf b) {
        if (b != null) {
            b.release();
        }
    }
}
