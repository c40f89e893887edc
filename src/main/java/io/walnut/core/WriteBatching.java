package io.walnut.core;

import java.util.concurrent.TimeUnit;

/**
 * How long a loop may hold writes back to send them together ({@link Worker}): server send's batch window, and
 * client send's hold of ready replies until the rest of their read is answered.
 *
 * @param windowMicros    server send's batch window on a busy loop ({@code --batch-window-us}); 0 = none
 * @param replyHoldMicros the longest a client's ready replies wait for the rest of the read they came in
 *                        ({@code --reply-hold-us}); 0 = they are written at once
 */
public record WriteBatching(int windowMicros, int replyHoldMicros) {
    /**
     * Long enough for the rest of a pipeline to come back from the other servers on a loaded 2-core machine
     * (1 ms let a tenth of the holds end unanswered, 10 ms a hundredth), short against a client's timeouts.
     */
    public static final int DEFAULT_REPLY_HOLD_MICROS = 2000;

    /** The transport's batch window and the default reply hold. */
    public static WriteBatching defaults(Transport transport) {
        return new WriteBatching(transport.defaultBatchWindowMicros(), DEFAULT_REPLY_HOLD_MICROS);
    }

    long windowNanos() {
        return TimeUnit.MICROSECONDS.toNanos(windowMicros);
    }

    long replyHoldNanos() {
        return TimeUnit.MICROSECONDS.toNanos(replyHoldMicros);
    }
}
