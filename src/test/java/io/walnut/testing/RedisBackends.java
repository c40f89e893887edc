package io.walnut.testing;

import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.util.ArrayList;
import java.util.List;

/**
 * A few throw-away redis-servers behind a pool, named {@code s1, s2, ...} so that twemproxy's server order (and
 * so the modula slots and the stats order) is their start order; {@link #close()} stops them all. Also makes the
 * Jedis clients the tests use, through the proxy or straight to a backend. One test thread uses an instance.
 */
public final class RedisBackends implements AutoCloseable {
    /** Long enough for a 16 MiB value or a 10 000-command pipeline on a busy machine. */
    private static final int CLIENT_TIMEOUT_MS = 20_000;

    private final List<RedisServerProcess> servers;

    private RedisBackends(List<RedisServerProcess> servers) {
        this.servers = servers;
    }

    /** {@code count} redis-servers with default options. */
    public static RedisBackends start(int count) {
        List<RedisServerProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                started.add(RedisServerProcess.start());
            }
        } catch (RuntimeException e) {
            started.forEach(RedisServerProcess::close);
            throw e;
        }
        return new RedisBackends(started);
    }

    public int size() {
        return servers.size();
    }

    /** The TCP port of server {@code index} (0-based, the pool's server index). */
    public int port(int index) {
        return servers.get(index).port();
    }

    /** The pool's {@code servers:} block, as the last key of a pool: {@code 127.0.0.1:<port>:1 s<n>} lines. */
    public String serversYaml() {
        StringBuilder yaml = new StringBuilder("  servers:\n");
        for (int i = 0; i < servers.size(); i++) {
            yaml.append("   - 127.0.0.1:").append(port(i)).append(":1 s").append(i + 1).append('\n');
        }
        return yaml.toString();
    }

    /** A Jedis client straight to backend {@code index}. */
    public Jedis direct(int index) {
        return jedis(port(index));
    }

    /**
     * A Jedis client to 127.0.0.1:{@code port} that sends nothing of its own on connect (no {@code CLIENT
     * SETINFO}, which twemproxy and Walnut do not support).
     */
    public static Jedis jedis(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                .timeoutMillis(CLIENT_TIMEOUT_MS)
                .autoNegotiateProtocol(false)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED)
                .build());
    }

    @Override
    public void close() {
        servers.forEach(RedisServerProcess::close);
    }
}
