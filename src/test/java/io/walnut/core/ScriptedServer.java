package io.walnut.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving server on a loopback port, for failure tests: it accepts connections and runs {@link #serve} for
 * each on its own thread; subclasses speak a protocol and choose the misbehaviour by what they are asked.
 * {@link #close()} stops every connection.
 */
abstract class ScriptedServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();

    ScriptedServer(String name) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> acceptLoop(name), name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Answers one connection until it ends; an {@link IOException} ends it too. */
    abstract void serve(Socket s) throws IOException;

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void acceptLoop(String name) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.incrementAndGet();
                synchronized (sockets) {
                    sockets.add(s);
                }
                Thread t = new Thread(() -> serveQuietly(s), name + "-" + accepted.get());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveQuietly(Socket s) {
        try (s) {
            serve(s);
        } catch (IOException e) {
            // the proxy closed the connection: this script is over
        }
    }

    /**
     * Sends FIN and waits (bounded) for the proxy to close its side: closing with unread requests would send a
     * reset instead, and the proxy would see a reset rather than the end of the stream.
     */
    static void closeCleanly(Socket s, InputStream in) throws IOException {
        s.shutdownOutput();
        s.setSoTimeout(5000);
        while (in.read() >= 0) {
            // the requests written after the one cut off
        }
    }

    static void write(OutputStream out, String reply) throws IOException {
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line without its CR LF, or null at EOF. */
    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
