package io.walnut.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw memcached ASCII client for tests: sends bytes as given (pipelining is just sending several) and reads one
 * whole reply at a time under a deadline, as its exact bytes in ISO-8859-1 (one char per byte). A retrieval reply
 * runs from its VALUE blocks to END. One thread uses an instance.
 */
public final class MemcacheClient implements AutoCloseable {
    private final RawConnection connection;

    private MemcacheClient(RawConnection connection) {
        this.connection = connection;
    }

    /** Connects to 127.0.0.1:{@code port}, bounded. */
    public static MemcacheClient connect(int port) {
        return new MemcacheClient(RawConnection.connect(port));
    }

    /** Sends {@code text} (one char per byte) as it is. */
    public MemcacheClient send(String text) {
        connection.send(text.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** Sends {@code request} and reads its reply. */
    public String call(Duration timeout, String request) {
        return send(request).readReply(timeout);
    }

    /** The next reply's exact bytes; fails if it is not complete within {@code timeout}. */
    public String readReply(Duration timeout) {
        connection.readWithin(timeout);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            for (;;) {
                String line = readLine(raw);
                if (!line.startsWith("VALUE ")) {
                    return raw.toString(StandardCharsets.ISO_8859_1);
                }
                int length = Integer.parseInt(line.split(" ")[3]);
                for (int i = 0; i < length + 2; i++) {
                    connection.readByte(raw);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no complete reply within " + timeout + "; got so far: "
                    + RespClient.printable(raw.toByteArray()), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a reply; got so far: "
                    + RespClient.printable(raw.toByteArray()), e);
        }
    }

    /** Whether the server closes the connection within {@code timeout}; a byte before the close fails. */
    public boolean closesWithin(Duration timeout) {
        connection.readWithin(timeout);
        try {
            int b = connection.readByte(new ByteArrayOutputStream());
            throw new IllegalStateException("got a byte instead of a close: " + b);
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String readLine(ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = connection.readByte(raw); b != '\r'; b = connection.readByte(raw)) {
            line.append((char) b);
        }
        if (connection.readByte(raw) != '\n') {
            throw new IOException("CR not followed by LF after " + line);
        }
        return line.toString();
    }

    @Override
    public void close() {
        connection.close();
    }
}
