package io.walnut.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw RESP2 client for tests: sends bytes or commands as given (pipelining is just sending several), and reads
 * one whole reply at a time under a deadline, as raw bytes or as a value. One thread uses an instance.
 *
 * <p>Values: simple string → {@link String}, error → {@link Error}, integer → {@link Long}, bulk string →
 * {@code byte[]} (null for nil), array → {@code List<Object>} (null for a nil array).
 */
public final class RespClient implements AutoCloseable {
    /** An error reply's text, without the leading {@code -}. */
    public record Error(String message) {
    }

    private final RawConnection connection;

    private RespClient(RawConnection connection) {
        this.connection = connection;
    }

    /** Connects to 127.0.0.1:{@code port}, bounded. */
    public static RespClient connect(int port) {
        return new RespClient(RawConnection.connect(port));
    }

    /** Sends {@code bytes} as they are. */
    public RespClient send(byte[] bytes) {
        connection.send(bytes);
        return this;
    }

    /** Sends one command as a RESP array of bulk strings. */
    public RespClient send(byte[]... args) {
        return send(encode(args));
    }

    /** Sends one command whose arguments are UTF-8 text. */
    public RespClient send(String... args) {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return send(bytes);
    }

    /** Sends a command and reads its reply as a value. */
    public Object call(Duration timeout, String... args) {
        return send(args).readReply(timeout);
    }

    /** The next reply's exact bytes; fails if it is not complete within {@code timeout}. */
    public byte[] readRawReply(Duration timeout) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        read(raw, timeout);
        return raw.toByteArray();
    }

    /** The next reply as a value (see the class comment); fails if it is not complete within {@code timeout}. */
    public Object readReply(Duration timeout) {
        return read(new ByteArrayOutputStream(), timeout);
    }

    /**
     * Waits for the other side to close the connection (end of stream, or a reset); fails if a byte arrives
     * instead, or if the connection is still open after {@code timeout}.
     */
    public void awaitClose(Duration timeout) {
        connection.awaitClose(timeout);
    }

    /** A command as RESP bytes: {@code *<n>} then {@code $<len>} bulk strings. */
    public static byte[] encode(byte[]... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            bytes.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(arg);
            bytes.writeBytes(new byte[] {'\r', '\n'});
        }
        return bytes.toByteArray();
    }

    @Override
    public void close() {
        connection.close();
    }

    private Object read(ByteArrayOutputStream raw, Duration timeout) {
        connection.readWithin(timeout);
        try {
            return readValue(raw);
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no complete reply within " + timeout + "; got so far: "
                    + printable(raw.toByteArray()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a reply; got so far: " + printable(raw.toByteArray()), e);
        }
    }

    private Object readValue(ByteArrayOutputStream raw) throws IOException {
        int type = readByte(raw);
        String line = readLine(raw);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$':
                return readBulk(raw, Integer.parseInt(line));
            case '*':
                return readArray(raw, Integer.parseInt(line));
            default:
                throw new IOException("not a RESP reply type: " + printable(new byte[] {(byte) type}));
        }
    }

    private byte[] readBulk(ByteArrayOutputStream raw, int length) throws IOException {
        if (length < 0) {
            return null;
        }
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) readByte(raw);
        }
        if (readByte(raw) != '\r' || readByte(raw) != '\n') {
            throw new IOException("bulk string of " + length + " bytes not followed by CRLF");
        }
        return data;
    }

    private List<Object> readArray(ByteArrayOutputStream raw, int count) throws IOException {
        if (count < 0) {
            return null;
        }
        List<Object> elements = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            elements.add(readValue(raw));
        }
        return elements;
    }

    private String readLine(ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = readByte(raw); b != '\r'; b = readByte(raw)) {
            line.write(b);
        }
        if (readByte(raw) != '\n') {
            throw new IOException("CR not followed by LF after " + printable(line.toByteArray()));
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private int readByte(ByteArrayOutputStream raw) throws IOException {
        return connection.readByte(raw);
    }

    /** Bytes as text with CR, LF and non-printable bytes escaped, for messages. */
    public static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == '\r') {
                text.append("\\r");
            } else if (c == '\n') {
                text.append("\\n");
            } else if (c < 0x20 || c >= 0x7f) {
                text.append(String.format("\\x%02x", c));
            } else {
                text.append((char) c);
            }
        }
        return text.toString();
    }
}
