package io.walnut.config;

import java.nio.file.Path;

/**
 * One entry of a pool's {@code servers:} list, as twemproxy reads {@code host:port:weight [name]} or
 * {@code /path:weight [name]}.
 *
 * @param index   position after twemproxy's sort (shorter names first, then bytewise); the modula slot
 *                order and the stats order follow it
 * @param name    the explicit name, else {@code host:port} ({@code host} alone for port 11211), or
 *                {@code path:} for a unix socket
 * @param host    host name or address, not resolved (twemproxy resolves it at each connect); null for unix
 * @param port    TCP port; 0 for unix
 * @param unixSocket the socket path, or null for TCP
 * @param weight  weight, at least 1
 * @param text    the entry as written in the config
 */
public record ServerSpec(int index, String name, String host, int port, Path unixSocket, int weight, String text) {

    public boolean isUnix() {
        return unixSocket != null;
    }
}
