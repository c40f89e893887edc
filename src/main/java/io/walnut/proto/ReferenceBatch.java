package io.walnut.proto;

import io.netty.buffer.ByteBuf;

/**
 * References to the buffer being decoded, taken from it {@link #SIZE} at a time and handed to its messages one
 * by one. A reference count is an atomic update, and at pipeline depth 16 one per message was 2-3 % of the event
 * loop's time (docs/performance.md, item 16). The references not handed out go back when the decoder is done
 * with the buffer ({@link #settle()}). One per decoder, on its event loop; not thread-safe.
 */
public final class ReferenceBatch {
    static final int SIZE = 64;

    /** The buffer the batch's references are of; null when none are held. */
    private ByteBuf buffer;
    private int left;

    /** {@code buf} with one more reference, which the caller owns. */
    public ByteBuf take(ByteBuf buf) {
        if (buf != buffer || left == 0) {
            settle();
            buf.retain(SIZE);
            buffer = buf;
            left = SIZE;
        }
        left--;
        return buf;
    }

    /** Gives back the references not handed out. */
    public void settle() {
        if (buffer != null) {
            if (left > 0) {
                buffer.release(left);
            }
            buffer = null;
            left = 0;
        }
    }
}
