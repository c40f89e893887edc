package io.walnut.stats;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * twemproxy's stats port: every connection gets the whole JSON document, then is closed; nothing is read.
 * Served from its own thread, as twemproxy does, so a slow stats reader never touches the event loops.
 */
public final class StatsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);

    private final ServerSocket socket;
    private final Supplier<String> document;
    private final Thread thread;

    private StatsServer(ServerSocket socket, Supplier<String> document) {
        this.socket = socket;
        this.document = document;
        this.thread = new Thread(this::serve, "walnut-stats");
        this.thread.setDaemon(true);
    }

    /** Binds {@code address} (failure aborts start-up, as in twemproxy) and starts serving. */
    public static StatsServer start(InetSocketAddress address, Supplier<String> document) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        try {
            socket.bind(address);
        } catch (IOException e) {
            socket.close();
            throw new IOException("stats port " + address + ": " + e.getMessage(), e);
        }
        StatsServer server = new StatsServer(socket, document);
        server.thread.start();
        return server;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.setSoTimeout(5000);
                OutputStream out = client.getOutputStream();
                out.write(document.get().getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    log.debug("stats client: {}", e.toString());
                }
            } catch (RuntimeException e) {
                log.warn("stats: {}", e.toString());
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
