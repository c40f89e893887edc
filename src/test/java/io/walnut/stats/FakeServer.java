package io.walnut.stats;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A misbehaving server on 127.0.0.1 to provoke the server-side stats: one that reads and never answers, one that
 * closes after the first bytes, and one whose accept queue is full so that a connect to it stays pending. Each
 * serves from one daemon thread; {@link #close()} closes every socket it holds.
 */
final class FakeServer implements AutoCloseable {
    enum Mode { SILENT, CLOSE_AFTER_READ, NEVER_ACCEPTS }

    private static final int FILL_BOUND_MS = 300;

    private final ServerSocket listener;
    private final List<Socket> held = new ArrayList<>();
    private final Thread thread;

    private FakeServer(Mode mode) throws IOException {
        listener = new ServerSocket(0, mode == Mode.NEVER_ACCEPTS ? 1 : 50, InetAddress.getLoopbackAddress());
        if (mode == Mode.NEVER_ACCEPTS) {
            fillAcceptQueue();
            thread = null;
        } else {
            thread = new Thread(() -> serve(mode), "fake-server-" + mode);
            thread.setDaemon(true);
            thread.start();
        }
    }

    static FakeServer start(Mode mode) throws IOException {
        return new FakeServer(mode);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connects until one connect times out: the kernel then drops further SYNs, so connects hang. */
    private void fillAcceptQueue() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            synchronized (held) {
                held.add(filler);
            }
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), FILL_BOUND_MS);
            } catch (SocketTimeoutException full) {
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled");
    }

    private void serve(Mode mode) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                synchronized (held) {
                    held.add(s);
                }
                if (mode == Mode.CLOSE_AFTER_READ) {
                    InputStream in = s.getInputStream();
                    if (in.read() >= 0) {
                        s.close();
                    }
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (held) {
            for (Socket s : held) {
                s.close();
            }
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
