package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.RequestDecoder;

import java.util.List;

/**
 * Client receive, bytes half: memcached ASCII requests to {@link Message}s. A request is a command line, and
 * for storage commands a data block of exactly {@code <bytes>} bytes then CRLF. Incremental and bounded: the
 * search for the line end resumes where it stopped, a line may be at most {@link #MAX_LINE} bytes (room for a
 * multi-get of thousands of keys), a data block at most {@link MemcacheLineParser#MAX_DATA_LENGTH}.
 *
 * <p>The reader index stays at the start of the request until the whole request is in; then it leaves as one
 * retained slice, its keys recorded as offsets and {@code noreply} flagged.
 *
 * <p>A line ends at CRLF, as in twemproxy: a bare LF is part of the line. memcached would end the line there,
 * so no bare LF is ever forwarded: a get's key holding one is a miss answered here (see
 * {@link MemcacheLineParser}), and any other line holding one is refused.
 *
 * <p>Where twemproxy closes without a word, Walnut answers: an unknown or unsupported command gets memcached's
 * {@code ERROR} and a bad line {@code CLIENT_ERROR <reason>}, and the connection stays usable (a refused
 * storage command's data block is skipped as it arrives, as memcached swallows it). When the stream can't be
 * followed (a data block not ending in CRLF, an unreadable {@code <bytes>}, an over-long line, the binary
 * protocol) the rejection closes the connection and all that follows is discarded. One instance per client
 * connection, on its event loop.
 */
public final class MemcacheRequestDecoder extends RequestDecoder {
    /** Longest command line accepted, line end included. */
    static final int MAX_LINE = 1024 * 1024;
    /** The first byte of every binary-protocol request. */
    private static final byte BINARY_MAGIC = (byte) 0x80;
    private static final int NEED_MORE = 0;
    private static final int CRLF = 1;
    private static final int NOT_CRLF = -1;

    private enum State { LINE, DATA, SKIP_DATA, DISCARD }

    private final MemcacheLineParser parser = new MemcacheLineParser();

    private State state = State.LINE;
    /** Where the search for the line end resumes, relative to the reader index (the start of the request). */
    private int lineScan;
    /** DATA: where the data block starts, relative. */
    private int dataStart;
    /** DATA: the data block's length; SKIP_DATA: the data bytes still to skip. */
    private int dataLength;

    public MemcacheRequestDecoder(MessagePool messages) {
        super(messages);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (;;) {
            boolean progressed;
            switch (state) {
                case LINE:
                    progressed = readLine(in, out);
                    break;
                case DATA:
                    progressed = readData(in, out);
                    break;
                case SKIP_DATA:
                    progressed = skipData(in, out);
                    break;
                default:
                    return;
            }
            // One request per call: ByteToMessageDecoder calls again while bytes remain and a message came out.
            if (!progressed || !out.isEmpty()) {
                return;
            }
        }
    }

    private boolean readLine(ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        if (readable == 0) {
            return false;
        }
        int start = in.readerIndex();
        if (lineScan == 0 && in.getByte(start) == BINARY_MAGIC) {
            breakFraming(in, out, "the binary protocol is not supported");
            return false;
        }
        int lf = lineEnd(in, start, readable);
        if (lf < 0) {
            if (readable >= MAX_LINE) {
                breakFraming(in, out, "line longer than " + MAX_LINE + " bytes");
            }
            return false;
        }
        lineScan = 0;
        int lineEnd = lf - 1;
        Message m = messages.take();
        MemcacheLineParser.Outcome outcome = parser.parse(in, start, lineEnd, m);
        int lineLength = lf + 1 - start;
        switch (outcome) {
            case ACCEPTED:
                m.setCommand(parser.command);
                m.setNoreply(parser.noreply);
                if (parser.dataLength < 0) {
                    takeBytes(m, in, lineLength);
                    out.add(m);
                } else {
                    request = m;
                    dataStart = lineLength;
                    dataLength = parser.dataLength;
                    state = State.DATA;
                }
                return true;
            case UNKNOWN:
                reject(in, out, m, lineLength, MemcacheReplies.ERROR.duplicate());
                return true;
            case ALL_MISSING:
                reject(in, out, m, lineLength, MemcacheReplies.END.duplicate());
                return true;
            case REFUSED:
                reject(in, out, m, lineLength, MemcacheReplies.clientError(parser.error));
                if (parser.dataLength >= 0) {
                    dataLength = parser.dataLength;
                    state = State.SKIP_DATA;
                }
                return true;
            default:
                request = m;
                breakFraming(in, out, parser.error);
                return false;
        }
    }

    /**
     * The absolute index of the LF of the CRLF that ends the line starting at {@code start}, or -1 while it
     * is not in. Only CRLF ends a line, as in twemproxy: a bare LF stays part of the line.
     */
    private int lineEnd(ByteBuf in, int start, int readable) {
        int limit = start + Math.min(readable, MAX_LINE);
        for (int from = start + lineScan; ; ) {
            int lf = in.indexOf(from, limit, (byte) '\n');
            if (lf < 0) {
                lineScan = limit - start;
                return -1;
            }
            if (lf > start && in.getByte(lf - 1) == '\r') {
                return lf;
            }
            from = lf + 1;
        }
    }

    private boolean readData(ByteBuf in, List<Object> out) {
        int terminator = terminatorAt(in, dataStart + dataLength);
        if (terminator == NEED_MORE) {
            return false;
        }
        if (terminator == NOT_CRLF) {
            breakFraming(in, out, "bad data chunk: the data block must be " + dataLength + " bytes then CRLF");
            return false;
        }
        Message m = request;
        request = null;
        takeBytes(m, in, dataStart + dataLength + 2);
        out.add(m);
        state = State.LINE;
        return true;
    }

    /** Drops a refused storage command's data block as it arrives, without buffering it. */
    private boolean skipData(ByteBuf in, List<Object> out) {
        int skip = Math.min(dataLength, in.readableBytes());
        in.skipBytes(skip);
        dataLength -= skip;
        if (dataLength > 0) {
            return false;
        }
        int terminator = terminatorAt(in, 0);
        if (terminator == NEED_MORE) {
            return false;
        }
        if (terminator == NOT_CRLF) {
            breakFraming(in, out, "bad data chunk: the data block must be followed by CRLF");
            return false;
        }
        in.skipBytes(2);
        state = State.LINE;
        return true;
    }

    /**
     * Whether the bytes at relative {@code at} are CRLF; each byte is judged as soon as it is in, so a wrong
     * one is reported without waiting for the other.
     */
    private static int terminatorAt(ByteBuf in, int at) {
        int available = in.readableBytes() - at;
        if (available < 1) {
            return NEED_MORE;
        }
        if (in.getByte(in.readerIndex() + at) != '\r') {
            return NOT_CRLF;
        }
        if (available < 2) {
            return NEED_MORE;
        }
        return in.getByte(in.readerIndex() + at + 1) == '\n' ? CRLF : NOT_CRLF;
    }

    /** Emits {@code m} as refused with {@code reply}, having consumed its line. */
    private static void reject(ByteBuf in, List<Object> out, Message m, int lineLength, ByteBuf reply) {
        in.skipBytes(lineLength);
        m.reject(reply, false);
        out.add(m);
    }

    /** The stream can't be followed: answer with the error, close, and ignore all that follows. */
    private void breakFraming(ByteBuf in, List<Object> out, String reason) {
        rejectAndClose(in, out, MemcacheReplies.clientError(reason));
        state = State.DISCARD;
    }
}
