package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.ProtocolException;
import io.walnut.proto.ReplyDecoder;

import java.util.Arrays;

/**
 * Server receive, bytes half: RESP2 replies ({@code + - : $ *}, nested arrays, nulls) to {@link Message}s, each
 * a retained slice of the bytes as the server sent them. The kind is the reply's first byte; an integer reply
 * carries its value; an array records its top-level elements as spans, for merging.
 *
 * <p>Incremental without re-reading: the scan position and the nesting stack (explicit and bounded) survive
 * between reads. A reply that breaks the protocol throws {@link ProtocolException}: the server connection is
 * then out of step and must close. One instance per server connection, on its event loop.
 */
public final class RedisReplyDecoder extends ReplyDecoder {
    public static final byte STATUS = '+';
    public static final byte ERROR = '-';
    public static final byte INTEGER = ':';
    public static final byte BULK = '$';
    public static final byte ARRAY = '*';

    private static final int MAX_DEPTH = 512;
    private static final int MAX_LINE = 1024 * 1024;
    private static final int NEED_MORE = 0;
    private static final int ITEM_DONE = 1;
    private static final int ARRAY_OPENED = 2;

    /** Relative start of the top-level element being read. */
    private int elementStart;
    /** Remaining elements of each open array, innermost last. */
    private int[] remaining = new int[8];
    private int depth;
    /** Whether an item is being read: its type byte is known and its line or data is incomplete. */
    private boolean inItem;
    private byte itemType;
    /** A bulk whose header is read and whose data is awaited: its total size (data + CRLF), else -1. */
    private int pendingBulk = -1;

    public RedisReplyDecoder(MessagePool messages) {
        super(messages);
    }

    @Override
    protected void replyStarted(ByteBuf in) {
        reply.setKind(in.getByte(in.readerIndex()));
        depth = 0;
    }

    @Override
    protected boolean readReply(ByteBuf in) {
        for (;;) {
            int read = readItem(in);
            if (read == NEED_MORE) {
                return false;
            }
            if (read == ITEM_DONE && itemDone()) {
                return true;
            }
        }
    }

    /** Reads (or resumes) the item at {@link #pos}. */
    private int readItem(ByteBuf in) {
        if (!inItem) {
            if (in.readableBytes() <= pos) {
                return NEED_MORE;
            }
            inItem = true;
            itemType = in.getByte(in.readerIndex() + pos);
            lineScan = pos + 1;
            if (depth == 1) {
                elementStart = pos;
            }
        }
        if (pendingBulk >= 0) {
            return readBulkData(in);
        }
        int shortValue = itemType == BULK || itemType == ARRAY ? RespLines.shortNumber(in, in.readerIndex() + pos) : -1;
        int lineEnd = shortValue >= 0 ? pos + RespLines.shortLineLength(shortValue) - 2
                : findLineEnd(in, pos, MAX_LINE);
        if (lineEnd < 0) {
            return NEED_MORE;
        }
        int lineStart = pos + 1;
        pos = lineEnd + 2;
        switch (itemType) {
            case STATUS:
            case ERROR:
                break;
            case INTEGER:
                long value = parseSigned(in, lineStart, lineEnd);
                if (depth == 0) {
                    reply.setInteger(value);
                }
                break;
            case BULK:
                long length = shortValue >= 0 ? shortValue : parseSigned(in, lineStart, lineEnd);
                if (length > RedisRequestDecoder.MAX_BULK_LENGTH || length < -1) {
                    throw new ProtocolException("invalid bulk length " + length);
                }
                if (length >= 0) {
                    pendingBulk = (int) length + 2;
                    return readBulkData(in);
                }
                break;
            case ARRAY:
                long count = shortValue >= 0 ? shortValue : parseSigned(in, lineStart, lineEnd);
                if (count < -1 || count > Integer.MAX_VALUE) {
                    throw new ProtocolException("invalid multibulk length " + count);
                }
                if (count > 0) {
                    push((int) count);
                    inItem = false;
                    return ARRAY_OPENED;
                }
                break;
            default:
                throw new ProtocolException("unexpected reply type byte " + (itemType & 0xff));
        }
        inItem = false;
        return ITEM_DONE;
    }

    private int readBulkData(ByteBuf in) {
        if (in.readableBytes() - pos < pendingBulk) {
            return NEED_MORE;
        }
        int end = in.readerIndex() + pos + pendingBulk - 2;
        if (in.getShort(end) != RespLines.CRLF) {
            throw new ProtocolException("bulk reply does not end in CRLF");
        }
        pos += pendingBulk;
        pendingBulk = -1;
        inItem = false;
        return ITEM_DONE;
    }

    /** Accounts one completed item; true when the whole reply is complete. */
    private boolean itemDone() {
        while (depth > 0) {
            if (depth == 1) {
                reply.addElement(elementStart, pos - elementStart);
            }
            if (--remaining[depth - 1] > 0) {
                return false;
            }
            depth--;
        }
        return true;
    }

    private void push(int count) {
        if (depth == MAX_DEPTH) {
            throw new ProtocolException("reply nested deeper than " + MAX_DEPTH);
        }
        if (depth == remaining.length) {
            remaining = Arrays.copyOf(remaining, remaining.length * 2);
        }
        remaining[depth++] = count;
    }

    private static long parseSigned(ByteBuf in, int start, int end) {
        int base = in.readerIndex();
        boolean negative = start < end && in.getByte(base + start) == '-';
        int i = negative ? start + 1 : start;
        if (i == end || end - i > 19) {
            throw new ProtocolException("invalid number in reply");
        }
        long value = 0;
        for (; i < end; i++) {
            byte b = in.getByte(base + i);
            if (b < '0' || b > '9') {
                throw new ProtocolException("invalid number in reply");
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }
}
