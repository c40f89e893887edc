package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.walnut.core.Message;
import io.walnut.proto.memcache.MemcacheCommand.Field;
import io.walnut.proto.memcache.MemcacheCommand.Syntax;

/**
 * Checks one complete memcached command line against its command's syntax, as twemproxy does: lower-case
 * name, tokens separated by one or more spaces, keys of 1 to 250 bytes, digits-only numbers (a minus sign only
 * where twemproxy allows one), and nothing after the fields but an optional {@code noreply}. Keys are recorded
 * on the request as they are found.
 *
 * <p>Numbers memcached itself would refuse without reading the data block (flags or cas unique beyond 64 bits,
 * exptime beyond 63) are refused here: forwarded, they would make memcached read the data as a command and
 * answer twice, putting the server connection out of step.
 *
 * <p>Scratch state of one {@link MemcacheRequestDecoder}; the outcome is read from its fields.
 */
final class MemcacheLineParser {
    /** memcached's key length limit. */
    static final int MAX_KEY_LENGTH = 250;
    /** Largest data block accepted (memcached's item size limit is far lower by default). */
    static final int MAX_DATA_LENGTH = 512 * 1024 * 1024;
    /** Data lengths up to this are still skipped when refused; beyond it the stream can't be followed. */
    private static final int MAX_SKIPPABLE_LENGTH = Integer.MAX_VALUE - 2;

    enum Outcome {
        /** A valid request of {@link #command}. */
        ACCEPTED,
        /** Not a command Walnut proxies: answered {@code ERROR}, as memcached answers an unknown command. */
        UNKNOWN,
        /** A known command with a bad line: refused with {@link #error}; a data block of {@link #dataLength} follows. */
        REFUSED,
        /** Refused, and the length of the data block that follows can't be known: the stream is lost. */
        REFUSED_UNFRAMED,
        /** A get/gets whose every key holds a bare LF: no such key can exist, so the answer is {@code END}. */
        ALL_MISSING
    }

    MemcacheCommand command;
    /** Length of the data block after the line, or -1 when none follows. */
    int dataLength;
    boolean noreply;
    /** Why the line was refused. */
    String error;

    private ByteBuf buf;
    private int end;

    /**
     * Parses the line {@code buf[start, end)} (absolute indexes, without its line end), which starts a request.
     * Keys are added to {@code request} relative to {@code start}.
     */
    Outcome parse(ByteBuf buf, int start, int end, Message request) {
        this.buf = buf;
        this.end = end;
        command = null;
        dataLength = -1;
        noreply = false;
        error = null;
        int p = skipSpaces(start);
        int nameEnd = tokenEnd(p);
        command = MemcacheCommand.lookup(buf, p, nameEnd - p);
        if (command == null) {
            return Outcome.UNKNOWN;
        }
        Syntax syntax = command.syntax;
        if (syntax.hasData()) {
            dataLength = dataLengthOf(nameEnd);
        }
        String problem = syntax == Syntax.RETRIEVAL ? readKeys(nameEnd, start, request)
                : buf.indexOf(start, end, (byte) '\n') >= 0 ? "line contains a bare LF"
                : readFields(syntax, nameEnd, start, request);
        if (problem == null) {
            return command == null ? Outcome.ALL_MISSING : Outcome.ACCEPTED;
        }
        error = problem + " (usage: " + command.commandName() + (syntax.usage.isEmpty() ? "" : " ")
                + syntax.usage + ")";
        noreply = false;
        return dataLength < 0 && syntax.hasData() ? Outcome.REFUSED_UNFRAMED : Outcome.REFUSED;
    }

    /**
     * Reads a get/gets's keys; returns what is wrong, or null. A key holding a bare LF (twemproxy ends lines
     * only at CRLF and keeps the LF in the key) can't exist in memcached, which ends lines at LF: it is a
     * miss, answered without asking, and the request is rebuilt from its other keys so no LF reaches the
     * server. With no other key, {@link #command} is left null: the whole answer is {@code END}.
     */
    private String readKeys(int p, int requestStart, Message request) {
        int keys = 0;
        boolean dropped = false;
        for (p = skipSpaces(p); p < end; p = skipSpaces(p)) {
            int keyEnd = tokenEnd(p);
            String problem = checkKey(p, keyEnd);
            if (problem != null) {
                return problem;
            }
            if (buf.indexOf(p, keyEnd, (byte) '\n') >= 0) {
                dropped = true;
            } else {
                request.addKey(p - requestStart, p - requestStart, keyEnd - p);
                keys++;
            }
            p = keyEnd;
        }
        if (keys == 0 && !dropped) {
            return "missing key";
        }
        command = keys == 0 ? null : command.withKeys(keys, dropped);
        return null;
    }

    /** Reads the key (if any), the numeric fields and an optional noreply; returns what is wrong, or null. */
    private String readFields(Syntax syntax, int p, int requestStart, Message request) {
        if (syntax.hasKey()) {
            p = skipSpaces(p);
            if (p == end) {
                return "missing key";
            }
            int keyEnd = tokenEnd(p);
            String problem = checkKey(p, keyEnd);
            if (problem != null) {
                return problem;
            }
            request.addKey(p - requestStart, p - requestStart, keyEnd - p);
            p = keyEnd;
        }
        for (Field field : syntax.fields) {
            p = skipSpaces(p);
            if (p == end) {
                return "missing " + field.label;
            }
            int fieldEnd = tokenEnd(p);
            if (!isValid(field, p, fieldEnd)) {
                return "bad " + field.label + ": " + expectation(field);
            }
            p = fieldEnd;
        }
        return readNoreply(syntax, p);
    }

    private String readNoreply(Syntax syntax, int p) {
        p = skipSpaces(p);
        if (p == end) {
            return null;
        }
        int tokenEnd = tokenEnd(p);
        if (!syntax.noreplyAllowed || !isNoreply(p, tokenEnd)) {
            return syntax.noreplyAllowed ? "unexpected argument: only noreply may follow"
                    : "unexpected argument";
        }
        if (skipSpaces(tokenEnd) != end) {
            return "unexpected argument after noreply";
        }
        noreply = true;
        return null;
    }

    private String checkKey(int from, int to) {
        if (to - from > MAX_KEY_LENGTH) {
            return "key longer than " + MAX_KEY_LENGTH + " bytes";
        }
        if (buf.indexOf(from, to, (byte) '\r') >= 0) {
            return "key contains a CR";
        }
        return null;
    }

    private boolean isValid(Field field, int from, int to) {
        switch (field) {
            case FLAGS:
            case CAS_UNIQUE:
                return MemcacheNumbers.isUnsigned64(buf, from, to);
            case EXPTIME:
                return MemcacheNumbers.parse(buf, from, to, Long.MAX_VALUE) != MemcacheNumbers.INVALID;
            case BYTES:
                return MemcacheNumbers.parse(buf, from, to, MAX_DATA_LENGTH) != MemcacheNumbers.INVALID;
            default:
                return MemcacheNumbers.isSigned(buf, from, to);
        }
    }

    private static String expectation(Field field) {
        switch (field) {
            case FLAGS:
            case CAS_UNIQUE:
                return "expected an unsigned 64-bit number";
            case EXPTIME:
                return "expected a non-negative number";
            case BYTES:
                return "expected a number up to " + MAX_DATA_LENGTH;
            default:
                return "expected a number";
        }
    }

    /**
     * The {@code <bytes>} of a storage line (the fourth token after the name), read before anything else is
     * checked so that a refused request's data block can still be skipped; -1 when it can't be read.
     */
    private int dataLengthOf(int p) {
        for (int token = 1; token < 4; token++) {
            p = tokenEnd(skipSpaces(p));
        }
        p = skipSpaces(p);
        long length = MemcacheNumbers.parse(buf, p, tokenEnd(p), MAX_SKIPPABLE_LENGTH);
        return (int) length;
    }

    private boolean isNoreply(int from, int to) {
        return to - from == 7 && buf.getByte(from) == 'n' && buf.getByte(from + 1) == 'o'
                && buf.getByte(from + 2) == 'r' && buf.getByte(from + 3) == 'e' && buf.getByte(from + 4) == 'p'
                && buf.getByte(from + 5) == 'l' && buf.getByte(from + 6) == 'y';
    }

    private int skipSpaces(int p) {
        while (p < end && buf.getByte(p) == ' ') {
            p++;
        }
        return p;
    }

    private int tokenEnd(int p) {
        int space = buf.indexOf(p, end, (byte) ' ');
        return space < 0 ? end : space;
    }
}
