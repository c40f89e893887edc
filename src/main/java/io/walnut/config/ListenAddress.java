package io.walnut.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * A pool's {@code listen:} value: a TCP address resolved once at load (as twemproxy does), or a unix
 * socket path with an optional octal permission (0 = leave the mode alone).
 */
public record ListenAddress(String text, InetSocketAddress tcp, Path unixSocket, int permissions) {

    public boolean isUnix() {
        return unixSocket != null;
    }
}
