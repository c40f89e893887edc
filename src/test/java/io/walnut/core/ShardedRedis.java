package io.walnut.core;

import io.walnut.config.PoolConfig;
import io.walnut.dist.Placement;
import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Three real redis-servers behind an in-process Walnut with two pools over them: {@code ketama} (fnv1a_64, hash
 * tag {@code {}}) and {@code modula} (md5), both in db 0, so tests keep their keys apart by prefix. Knows where
 * each pool puts a key ({@link Placement}, checked against nutcracker by PlacementIT) and asks the backends
 * directly which of them hold it. One test thread uses an instance.
 */
final class ShardedRedis implements AutoCloseable {
    static final String KETAMA = "ketama";
    static final String MODULA = "modula";

    private final RedisBackends backends;
    private final InProcessWalnut walnut;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, Placement> placements = new HashMap<>();
    private final List<Jedis> direct = new ArrayList<>();

    private ShardedRedis(RedisBackends backends, int ketamaPort, int modulaPort, int threads) {
        this.backends = backends;
        String yaml = KETAMA + ":\n  listen: 127.0.0.1:" + ketamaPort + "\n  hash: fnv1a_64\n  hash_tag: \"{}\"\n"
                + "  distribution: ketama\n  redis: true\n" + backends.serversYaml()
                + MODULA + ":\n  listen: 127.0.0.1:" + modulaPort + "\n  hash: md5\n  distribution: modula\n"
                + "  redis: true\n" + backends.serversYaml();
        this.walnut = InProcessWalnut.start(yaml, threads);
        ports.put(KETAMA, ketamaPort);
        ports.put(MODULA, modulaPort);
        for (PoolConfig pool : walnut.config().pools()) {
            placements.put(pool.name(), Placement.of(pool.hash(), pool.hashTag(), pool.distribution(), pool.servers()));
        }
        for (int i = 0; i < backends.size(); i++) {
            direct.add(backends.direct(i));
        }
    }

    /** Three backends and both pools, with {@code threads} event loops. */
    static ShardedRedis start(int threads) {
        RedisBackends backends = RedisBackends.start(3);
        try {
            return new ShardedRedis(backends, FreePorts.loopback(), FreePorts.loopback(), threads);
        } catch (RuntimeException e) {
            backends.close();
            throw e;
        }
    }

    int port(String pool) {
        return ports.get(pool);
    }

    /** A new Jedis client to {@code pool}'s listener; the caller closes it. */
    Jedis jedis(String pool) {
        return RedisBackends.jedis(port(pool));
    }

    int servers() {
        return direct.size();
    }

    /** A client straight to backend {@code server}, shared by the test; do not close it. */
    Jedis direct(int server) {
        return direct.get(server);
    }

    /** The backend {@code pool} sends {@code key} to. */
    int serverOf(String pool, byte[] key) {
        return placements.get(pool).serverIndex(key);
    }

    int serverOf(String pool, String key) {
        return serverOf(pool, key.getBytes(StandardCharsets.UTF_8));
    }

    /** The backends that hold {@code key}, asked directly. */
    List<Integer> holders(byte[] key) {
        List<Integer> holding = new ArrayList<>();
        for (int i = 0; i < direct.size(); i++) {
            if (direct.get(i).exists(key)) {
                holding.add(i);
            }
        }
        return holding;
    }

    List<Integer> holders(String key) {
        return holders(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code count} keys {@code <prefix><i>} that {@code pool} spreads over every backend, taken in turn from each,
     * so neighbouring keys of a multi-key request go to different servers.
     */
    List<String> spreadKeys(String pool, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        int[] next = new int[servers()];
        for (int k = 0; k < count; k++) {
            int server = k % servers();
            String key;
            do {
                key = prefix + next[server]++;
                if (next[server] > 100_000) {
                    throw new IllegalStateException(pool + " sends no key " + prefix + "<i> to server " + server);
                }
            } while (serverOf(pool, key) != server || keys.contains(key));
            keys.add(key);
        }
        return keys;
    }

    InProcessWalnut walnut() {
        return walnut;
    }

    @Override
    public void close() {
        direct.forEach(Jedis::close);
        walnut.close();
        backends.close();
    }
}
