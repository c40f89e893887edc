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
import java.time.Duration;

/** A loopback socket for the raw test clients: bounded connect, plain writes, byte reads under one deadline. */
final class RawConnection implements AutoCloseable {
    private static final Duration CONNECT_BOUND = Duration.ofSeconds(5);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private long deadline;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}, bounded. */
    static RawConnection connect(int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) CONNECT_BOUND.toMillis());
            return new RawConnection(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the deadline that bounds the reads that follow. */
    void readWithin(Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
    }

    /** The next byte, also appended to {@code raw}; {@link EOFException} on close, timeout past the deadline. */
    int readByte(ByteArrayOutputStream raw) throws IOException {
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

    /**
     * Waits for the other side to close the connection (end of stream, or a reset); fails if a byte arrives
     * instead, or if the connection is still open after {@code timeout}.
     */
    void awaitClose(Duration timeout) {
        readWithin(timeout);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try {
            readByte(raw);
            throw new IllegalStateException("expected the connection to close, got a byte: " + raw);
        } catch (EOFException e) {
            return;
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("the connection is still open after " + timeout, e);
        } catch (IOException e) {
            // reset by the peer: closed as well
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do for a test socket
        }
    }
}
