package io.walnut.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw memcached ASCII client for tests: sends bytes as given (pipelining is just sending several) and reads one
 * whole reply at a time under a deadline, as its exact bytes in ISO-8859-1 (one char per byte). A retrieval reply
 * runs from its VALUE blocks to END. One thread uses an instance.
 */
public final class MemcacheClient implements AutoCloseable {
    private static final Duration CONNECT_BOUND = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private long deadline;

    private MemcacheClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}, bounded. */
    public static MemcacheClient connect(int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_BOUND.toMillis());
            return new MemcacheClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do for a test socket
            }
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /** Sends {@code text} (one char per byte) as it is. */
    public MemcacheClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public MemcacheClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Sends {@code request} and reads its reply. */
    public String call(Duration timeout, String request) {
        return send(request).readReply(timeout);
    }

    /** The next reply's exact bytes; fails if it is not complete within {@code timeout}. */
    public String readReply(Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            for (;;) {
                String line = readLine(raw);
                if (!line.startsWith("VALUE ")) {
                    return raw.toString(StandardCharsets.ISO_8859_1);
                }
                String[] fields = line.split(" ");
                int length = Integer.parseInt(fields[3]);
                for (int i = 0; i < length + 2; i++) {
                    readByte(raw);
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

    /** Whether the server closes the connection within {@code timeout}, with no byte before. */
    public boolean closesWithin(Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
        try {
            int b = readByte(new ByteArrayOutputStream());
            throw new IllegalStateException("got a byte instead of a close: " + b);
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String readLine(ByteArrayOutputStream raw) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = readByte(raw); b != '\r'; b = readByte(raw)) {
            line.append((char) b);
        }
        if (readByte(raw) != '\n') {
            throw new IOException("CR not followed by LF after " + line);
        }
        return line.toString();
    }

    private int readByte(ByteArrayOutputStream raw) throws IOException {
        if (in.available() == 0) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
        }
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        raw.write(b);
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do for a test socket
        }
    }
}
