package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.RequestDecoder;

import java.util.List;

/**
 * Client receive, bytes half: RESP multibulk requests to {@link Message}s. Incremental (a request may arrive a
 * byte at a time, or a thousand in one read) and bounded: every count and length is checked before use.
 *
 * <p>The reader index stays at the start of the request until the whole request is in; the scan position is
 * kept relative to it, so no byte is parsed twice and a compacting cumulation does not disturb it. Then the
 * request leaves as one retained slice, its keys recorded as offsets.
 *
 * <p>A well-formed request Walnut won't forward (an unknown or unsupported command, a key too long, EVAL without
 * a key) is emitted as a rejected message carrying its error reply, and the rest of it is skipped without
 * buffering: the connection stays usable. Broken framing, and a wrong argument count (decided at the count
 * line, as twemproxy does, before the arguments are known to follow), emit a rejection that closes the
 * connection, and everything after it is discarded. One instance per client connection, on its event loop.
 */
public final class RedisRequestDecoder extends RequestDecoder {
    /** Redis's own default {@code proto-max-bulk-len}. */
    static final int MAX_BULK_LENGTH = 512 * 1024 * 1024;
    /** Digits of the largest count or length accepted (Integer.MAX_VALUE). */
    private static final int MAX_DIGITS = 10;
    private static final int NEED_MORE = -1;

    private enum State { ARG_COUNT, ARG_LENGTH, ARG_DATA, SKIP_LENGTH, SKIP_DATA, DISCARD }

    private final int maxKeyLength;
    /** The command name of the request being read, in lower case (see {@link RedisCommand#lookup}). */
    private final byte[] commandName = new byte[RedisCommand.MAX_NAME_LENGTH];

    private State state = State.ARG_COUNT;
    /** Next byte to parse, relative to the reader index (the start of the request). */
    private int pos;
    private int argCount;
    private int argIndex;
    private int argStart;
    private int argLength;
    private RedisCommand command;
    /** The numkeys argument of the request being read (EVAL, ZUNION...), once read. */
    private int numkeys;

    /**
     * @param maxKeyLength keys must be shorter than this (twemproxy: the mbuf size minus its 48-byte header)
     */
    public RedisRequestDecoder(MessagePool messages, int maxKeyLength) {
        super(messages);
        this.maxKeyLength = maxKeyLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (;;) {
            switch (state) {
                case ARG_COUNT:
                    if (!readArgCount(in, out)) {
                        return;
                    }
                    break;
                case ARG_LENGTH:
                    if (!readArgLength(in, out)) {
                        return;
                    }
                    break;
                case ARG_DATA:
                    if (!readArgData(in, out)) {
                        return;
                    }
                    if (state == State.ARG_LENGTH && argIndex == argCount) {
                        out.add(finishRequest(in));
                        return;
                    }
                    break;
                case SKIP_LENGTH:
                case SKIP_DATA:
                    if (!skipRejected(in, out)) {
                        return;
                    }
                    break;
                default:
                    return;
            }
        }
    }

    private boolean readArgCount(ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return false;
        }
        if (in.getByte(in.readerIndex()) != '*') {
            breakFraming(in, out, "ERR Protocol error: expected '*', got '" + printable(in.getByte(in.readerIndex()))
                    + "' (inline commands are not supported)");
            return false;
        }
        long n = readNumberLine(in, 0, out);
        if (n == NEED_MORE) {
            return false;
        }
        request = messages.take();
        argCount = (int) n;
        argIndex = 0;
        command = null;
        numkeys = 0;
        if (argCount == 0) {
            rejectRequest(in, out, "ERR Protocol error: empty request");
            return true;
        }
        state = State.ARG_LENGTH;
        return true;
    }

    private boolean readArgLength(ByteBuf in, List<Object> out) {
        int start = pos;
        long n = readBulkLength(in, pos, out);
        if (n == NEED_MORE) {
            return false;
        }
        argStart = start;
        argLength = (int) n;
        if (argIndex > 0 && isKeyArgument(argIndex) && argLength >= maxKeyLength) {
            rejectRequest(in, out, "ERR key too long: " + argLength + " bytes, the limit is " + (maxKeyLength - 1)
                    + " (set by -m/--mbuf-size)");
            argLength += 2;
            state = State.SKIP_DATA;
            return true;
        }
        state = State.ARG_DATA;
        return true;
    }

    private boolean readArgData(ByteBuf in, List<Object> out) {
        int dataStart = pos;
        long available = in.readableBytes() - dataStart;
        if (available < argLength + 2L) {
            // A CR that is not where the declared length puts it shows the length is wrong right away.
            if (available > argLength && in.getByte(in.readerIndex() + dataStart + argLength) != '\r') {
                breakFraming(in, out, "ERR Protocol error: bulk data does not end in CRLF");
            }
            return false;
        }
        int end = in.readerIndex() + dataStart + argLength;
        if (in.getShort(end) != RespLines.CRLF) {
            breakFraming(in, out, "ERR Protocol error: bulk data does not end in CRLF");
            return false;
        }
        pos = dataStart + argLength + 2;
        int index = argIndex++;
        state = State.ARG_LENGTH;
        if (index == 0) {
            acceptCommandName(in, out, dataStart);
        } else if (isKeyArgument(index)) {
            request.addKey(argStart, dataStart, argLength);
        } else if (index == command.numkeysArgument()) {
            checkNumkeys(in, out, dataStart);
        }
        return true;
    }

    private void acceptCommandName(ByteBuf in, List<Object> out, int nameStart) {
        command = RedisCommand.lookup(in, in.readerIndex() + nameStart, argLength, commandName);
        if (command == null) {
            rejectRequest(in, out, "ERR unsupported command '" + text(in, nameStart, argLength) + "'");
        } else if (!command.acceptsArgc(argCount)) {
            // Decided at the count line, as twemproxy does: when more arguments were announced than the command
            // takes, what follows can't be trusted to be them, so the connection closes after the error.
            breakFraming(in, out, "ERR wrong number of arguments for '" + command.commandName() + "' command");
        } else {
            request.setCommand(command);
        }
    }

    private void checkNumkeys(ByteBuf in, List<Object> out, int start) {
        long numkeys = 0;
        for (int i = 0; i < argLength && numkeys <= Integer.MAX_VALUE; i++) {
            byte b = in.getByte(in.readerIndex() + start + i);
            if (b < '0' || b > '9') {
                numkeys = -1;
                break;
            }
            numkeys = numkeys * 10 + (b - '0');
        }
        if (argLength == 0 || numkeys < 1) {
            rejectRequest(in, out, "ERR Walnut routes " + command.commandName()
                    + " by its first key: numkeys must be a number of at least 1");
        }
        this.numkeys = (int) Math.min(numkeys, Integer.MAX_VALUE);
    }

    /** Whether argument {@code index} is a key the request is routed or fragmented by. */
    private boolean isKeyArgument(int index) {
        switch (command.route()) {
            case KEY:
                return index == command.routingArgument();
            case GATHER:
                return index > 1 && index - 2 < numkeys;
            case FRAGMENT:
                return command.keyStep() == 1 || (index & 1) == 1;
            case LOCAL:
                return command == RedisCommand.AUTH && index == 1; // the password, compared by the proxy
            default:
                return false;
        }
    }

    private Message finishRequest(ByteBuf in) {
        Message m = request;
        takeBytes(m, in, pos);
        resetForNextRequest();
        return m;
    }

    /** Emits the request being read as rejected, and skips the rest of it as it arrives. */
    private void rejectRequest(ByteBuf in, List<Object> out, String error) {
        in.skipBytes(pos);
        Message m = request;
        m.reject(RedisReplies.error(error), false);
        out.add(m);
        request = null;
        pos = 0;
        state = argIndex >= argCount ? State.ARG_COUNT : State.SKIP_LENGTH;
        if (state == State.ARG_COUNT) {
            resetForNextRequest();
        }
    }

    /** The stream can't be followed: answer with the error, close, and ignore all that follows. */
    private void breakFraming(ByteBuf in, List<Object> out, String error) {
        rejectAndClose(in, out, RedisReplies.error(error));
        state = State.DISCARD;
    }

    private boolean skipRejected(ByteBuf in, List<Object> out) {
        if (state == State.SKIP_LENGTH) {
            long n = readBulkLength(in, 0, out);
            if (n == NEED_MORE) {
                return false;
            }
            in.skipBytes(pos);
            pos = 0;
            argLength = (int) n + 2;
            state = State.SKIP_DATA;
            return true;
        }
        int skip = Math.min(argLength - 2, in.readableBytes());
        in.skipBytes(skip);
        argLength -= skip;
        if (argLength > 2 || in.readableBytes() < 2) {
            return false;
        }
        if (in.getByte(in.readerIndex()) != '\r' || in.getByte(in.readerIndex() + 1) != '\n') {
            breakFraming(in, out, "ERR Protocol error: bulk data does not end in CRLF");
            return false;
        }
        in.skipBytes(2);
        if (++argIndex == argCount) {
            resetForNextRequest();
        } else {
            state = State.SKIP_LENGTH;
        }
        return true;
    }

    /**
     * Reads {@code $<length>\r\n} at relative offset {@code at}: the length, or {@link #NEED_MORE} when the line
     * is not complete yet or the framing broke (a missing {@code $}, a length beyond Redis's own limit).
     */
    private long readBulkLength(ByteBuf in, int at, List<Object> out) {
        if (in.readableBytes() <= at) {
            return NEED_MORE;
        }
        byte first = in.getByte(in.readerIndex() + at);
        if (first != '$') {
            breakFraming(in, out, "ERR Protocol error: expected '$', got '" + printable(first) + "'");
            return NEED_MORE;
        }
        long n = readNumberLine(in, at, out);
        if (n != NEED_MORE && n > MAX_BULK_LENGTH) {
            breakFraming(in, out, "ERR Protocol error: invalid bulk length");
            return NEED_MORE;
        }
        return n;
    }

    /**
     * Reads {@code <prefix><digits>\r\n} at relative offset {@code at}; on success sets {@link #pos} past it.
     * Returns {@link #NEED_MORE} when the line is not complete yet; breaks the framing on anything else.
     */
    private long readNumberLine(ByteBuf in, int at, List<Object> out) {
        int base = in.readerIndex() + at;
        int available = in.readableBytes() - at;
        int shortValue = RespLines.shortNumber(in, base);
        if (shortValue >= 0) {
            pos = at + RespLines.shortLineLength(shortValue);
            return shortValue;
        }
        long value = 0;
        for (int i = 1; i < available; i++) {
            byte b = in.getByte(base + i);
            if (b >= '0' && b <= '9' && i <= MAX_DIGITS) {
                value = value * 10 + (b - '0');
            } else if (b == '\r' && i > 1) {
                if (i + 1 == available) {
                    return NEED_MORE;
                }
                if (in.getByte(base + i + 1) != '\n' || value > Integer.MAX_VALUE) {
                    break;
                }
                pos = at + i + 2;
                return value;
            } else {
                break;
            }
        }
        if (available <= MAX_DIGITS + 1 && onlyDigits(in, base + 1, available - 1)) {
            return NEED_MORE;
        }
        breakFraming(in, out, in.getByte(base) == '*' ? "ERR Protocol error: invalid multibulk length"
                : "ERR Protocol error: invalid bulk length");
        return NEED_MORE;
    }

    private static boolean onlyDigits(ByteBuf buf, int from, int length) {
        for (int i = from; i < from + length; i++) {
            byte b = buf.getByte(i);
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    private void resetForNextRequest() {
        state = State.ARG_COUNT;
        pos = 0;
        request = null;
        command = null;
    }

    /** The argument as printable text for an error line (no CR or LF can break the reply). */
    private static String text(ByteBuf in, int relative, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(length, 64); i++) {
            byte b = in.getByte(in.readerIndex() + relative + i);
            sb.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return sb.toString();
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }
}
