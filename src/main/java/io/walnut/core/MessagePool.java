package io.walnut.core;

import java.util.ArrayDeque;

/**
 * One event loop's free list of {@link Message}s. Bounded, unlike twemproxy's, so memory returns after a peak.
 * Confined to its event loop.
 */
public final class MessagePool {
    private static final int MAX_FREE = 8192;

    private final ArrayDeque<Message> free = new ArrayDeque<>();

    public Message take() {
        Message m = free.pollLast();
        return m != null ? m : new Message();
    }

    /** Resets {@code m} (releasing its buffers) and keeps it for reuse. */
    public void recycle(Message m) {
        m.reset();
        if (free.size() < MAX_FREE) {
            free.addLast(m);
        }
    }
}
