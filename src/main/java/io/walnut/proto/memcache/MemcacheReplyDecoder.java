package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.ProtocolException;
import io.walnut.proto.ReplyDecoder;

import java.nio.charset.StandardCharsets;

/**
 * Server receive, bytes half: memcached ASCII replies to {@link Message}s, each a retained slice of the bytes as
 * the server sent them. A retrieval reply runs from its first {@code VALUE} block to its {@code END}; each block
 * ({@code VALUE} line through the data's CRLF) is recorded as an element span, for merging. The kind is one of
 * the constants below.
 *
 * <p>Incremental without re-reading: the scan position survives between reads, and a data block is awaited by
 * its length. Lines are bounded. A reply that breaks the protocol throws {@link ProtocolException}: the server
 * connection is then out of step and must close. One instance per server connection, on its event loop.
 */
public final class MemcacheReplyDecoder extends ReplyDecoder {
    /** {@code VALUE} blocks (zero or more) then {@code END}. */
    public static final byte RETRIEVAL = 'V';
    /** {@code STORED}, {@code NOT_STORED}, {@code EXISTS}, {@code NOT_FOUND}, {@code DELETED}, {@code TOUCHED}. */
    public static final byte STATUS = 'S';
    /** incr/decr's new value. */
    public static final byte NUMBER = 'N';
    /** {@code VERSION <version>}. */
    public static final byte VERSION = 'v';
    /** {@code ERROR}, {@code CLIENT_ERROR <reason>}, {@code SERVER_ERROR <reason>}. */
    public static final byte ERROR = 'E';

    /** Longest reply line; memcached's are far shorter (a VALUE line holds at most a 250-byte key). */
    private static final int MAX_LINE = 64 * 1024;

    private static final byte[] VALUE_WORD = ascii("VALUE ");
    private static final byte[] END_WORD = ascii("END");
    private static final byte[][] STATUS_WORDS = {ascii("STORED"), ascii("NOT_STORED"), ascii("EXISTS"),
        ascii("NOT_FOUND"), ascii("DELETED"), ascii("TOUCHED")};
    private static final byte[] VERSION_WORD = ascii("VERSION ");
    private static final byte[] ERROR_WORD = ascii("ERROR");
    private static final byte[][] ERROR_PREFIXES = {ascii("ERROR "), ascii("CLIENT_ERROR "), ascii("SERVER_ERROR ")};

    /** Relative start of the VALUE block being read. */
    private int blockStart;
    /** A VALUE block whose line is read: the size of its data with CRLF, else -1. */
    private int pendingData = -1;

    public MemcacheReplyDecoder(MessagePool messages) {
        super(messages);
    }

    @Override
    protected boolean readReply(ByteBuf in) {
        for (;;) {
            if (pendingData >= 0) {
                if (!readValueData(in)) {
                    return false;
                }
                continue;
            }
            int lineEnd = findLineEnd(in, pos, MAX_LINE);
            if (lineEnd < 0) {
                return false;
            }
            int lineStart = pos;
            pos = lineEnd + 2;
            lineScan = pos;
            if (lineDone(in, lineStart, lineEnd)) {
                return true;
            }
        }
    }

    /** Accounts the line {@code [start, end)} (relative); true when it completes the reply. */
    private boolean lineDone(ByteBuf in, int start, int end) {
        int base = in.readerIndex();
        boolean inRetrieval = reply.elementCount() > 0;
        if (startsWith(in, base + start, base + end, VALUE_WORD)) {
            blockStart = start;
            pendingData = valueLength(in, base + start + VALUE_WORD.length, base + end) + 2;
            return false;
        }
        if (equals(in, base + start, base + end, END_WORD)) {
            reply.setKind(RETRIEVAL);
            return true;
        }
        if (isError(in, base + start, base + end)) {
            // memcached may give up a retrieval midway (out of memory) with an error line and no END.
            reply.setKind(ERROR);
            return true;
        }
        if (inRetrieval) {
            throw new ProtocolException("unexpected line inside a retrieval reply: " + text(in, start, end));
        }
        reply.setKind(singleLineKind(in, base + start, base + end));
        return true;
    }

    private boolean readValueData(ByteBuf in) {
        if (in.readableBytes() - pos < pendingData) {
            return false;
        }
        int end = in.readerIndex() + pos + pendingData - 2;
        if (in.getByte(end) != '\r' || in.getByte(end + 1) != '\n') {
            throw new ProtocolException("VALUE data block does not end in CRLF");
        }
        pos += pendingData;
        lineScan = pos;
        pendingData = -1;
        reply.addElement(blockStart, pos - blockStart);
        return true;
    }

    /** The {@code <bytes>} of {@code VALUE <key> <flags> <bytes> [<cas unique>]}, the part after "VALUE ". */
    private static int valueLength(ByteBuf in, int from, int to) {
        int p = from;
        for (int token = 0; token < 2; token++) {
            int space = in.indexOf(p, to, (byte) ' ');
            if (space < 0) {
                throw new ProtocolException("malformed VALUE line");
            }
            p = space + 1;
        }
        int space = in.indexOf(p, to, (byte) ' ');
        long length = MemcacheNumbers.parse(in, p, space < 0 ? to : space, MemcacheLineParser.MAX_DATA_LENGTH);
        if (length == MemcacheNumbers.INVALID) {
            throw new ProtocolException("bad length in VALUE line");
        }
        return (int) length;
    }

    private static byte singleLineKind(ByteBuf in, int start, int end) {
        for (byte[] word : STATUS_WORDS) {
            if (equals(in, start, end, word)) {
                return STATUS;
            }
        }
        if (startsWith(in, start, end, VERSION_WORD)) {
            return VERSION;
        }
        if (MemcacheNumbers.isDigits(in, start, end)) {
            return NUMBER;
        }
        throw new ProtocolException("unexpected reply line: " + text(in, start - in.readerIndex(),
                end - in.readerIndex()));
    }

    private static boolean isError(ByteBuf in, int start, int end) {
        if (equals(in, start, end, ERROR_WORD)) {
            return true;
        }
        for (byte[] prefix : ERROR_PREFIXES) {
            if (startsWith(in, start, end, prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(ByteBuf in, int start, int end, byte[] word) {
        if (end - start < word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (in.getByte(start + i) != word[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equals(ByteBuf in, int start, int end, byte[] word) {
        return end - start == word.length && startsWith(in, start, end, word);
    }

    /** A line as printable text for a log (no control bytes), cut short. */
    private static String text(ByteBuf in, int relativeStart, int relativeEnd) {
        StringBuilder sb = new StringBuilder();
        for (int i = relativeStart; i < Math.min(relativeEnd, relativeStart + 64); i++) {
            byte b = in.getByte(in.readerIndex() + i);
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return sb.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
