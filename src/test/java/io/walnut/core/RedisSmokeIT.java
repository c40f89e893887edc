package io.walnut.core;

import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.proto.redis.RedisProtocol;
import io.walnut.testing.FreePorts;
import io.walnut.testing.RedisServerProcess;
import io.walnut.testing.RespClient;
import org.junit.jupiter.api.Test;


import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSmokeIT {

    /** ZUNION/ZINTER/ZDIFF over keys on three servers answer as one server holding every key would. */
    @SuppressWarnings("unchecked")
    private static void zsetAlgebraSpansServers(RespClient c, List<RedisServerProcess> backends) {
        List<String> args = new ArrayList<>(List.of("ZUNION", "10"));
        for (int k = 0; k < 10; k++) {
            c.call(T, "ZADD", "z:" + k, Integer.toString(k), "m" + k, "1", "common");
            args.add("z:" + k);
        }
        args.add("WITHSCORES");
        List<Object> union = (List<Object>) c.call(T, args.toArray(new String[0]));
        List<String> members = new ArrayList<>();
        for (Object o : union) {
            members.add(new String((byte[]) o, StandardCharsets.UTF_8));
        }
        assertThat(members).containsExactly("m0", "0", "m1", "1", "m2", "2", "m3", "3", "m4", "4", "m5", "5", "m6",
                "6", "m7", "7", "m8", "8", "m9", "9", "common", "10");
        args.set(0, "ZINTER");
        args.remove(args.size() - 1);
        List<Object> inter = (List<Object>) c.call(T, args.toArray(new String[0]));
        assertThat(inter).hasSize(1);
        assertThat(new String((byte[]) inter.get(0), StandardCharsets.UTF_8)).isEqualTo("common");
        List<Object> diff = (List<Object>) c.call(T, "ZDIFF", "3", "z:0", "z:1", "z:2");
        assertThat(new String((byte[]) diff.get(0), StandardCharsets.UTF_8)).isEqualTo("m0");
        long keysOnBackends = 0;
        for (RedisServerProcess r : backends) {
            try (RespClient direct = RespClient.connect(r.port())) {
                keysOnBackends += (Long) direct.call(T, "DBSIZE");
            }
        }
        assertThat(keysOnBackends).as("no temporary key is left behind").isEqualTo(50 - 2 + 3 + 10);
    }
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void proxiesGetSetAndMget() throws Exception {
        try (RedisServerProcess r1 = RedisServerProcess.start(); RedisServerProcess r2 = RedisServerProcess.start();
             RedisServerProcess r3 = RedisServerProcess.start()) {
            int port = FreePorts.loopback();
            List<ServerSpec> servers = new ArrayList<>();
            int i = 0;
            for (RedisServerProcess r : List.of(r1, r2, r3)) {
                servers.add(new ServerSpec(i, "s" + (i + 1), "127.0.0.1", r.port(), null, 1,
                        "127.0.0.1:" + r.port() + ":1 s" + (i + 1)));
                i++;
            }
            PoolConfig pool = new PoolConfig("alpha",
                    new ListenAddress("127.0.0.1:" + port, new InetSocketAddress("127.0.0.1", port), null, 0),
                    HashFunction.FNV1A_64, null, DistributionType.KETAMA, -1, 512, 0, true, null, 0, false, false, 1,
                    30000, 2, false, servers);
            try (Proxy proxy = new Proxy(new ProxyConfig(null, List.of(pool)), 2, 16384, RedisProtocol::new)) {
                proxy.start();
                try (RespClient c = RespClient.connect(port)) {
                    assertThat(c.call(T, "PING")).isEqualTo("PONG");
                    for (int k = 0; k < 50; k++) {
                        assertThat(c.call(T, "SET", "key:" + k, "v" + k)).isEqualTo("OK");
                    }
                    Object mget = c.call(T, "MGET", "key:0", "key:10", "nokey", "key:40", "key:0");
                    assertThat(mget).asList().extracting(o -> o == null ? null : new String((byte[]) o,
                            StandardCharsets.UTF_8)).containsExactly("v0", "v10", null, "v40", "v0");
                    assertThat(c.call(T, "DEL", "key:1", "key:2", "nokey")).isEqualTo(2L);
                    assertThat(c.call(T, "EXISTS", "key:3", "key:4", "key:1")).isEqualTo(2L);
                    assertThat(c.call(T, "MSET", "a", "1", "b", "2", "c", "3")).isEqualTo("OK");
                    assertThat(new String((byte[]) c.call(T, "GET", "c"), StandardCharsets.UTF_8)).isEqualTo("3");
                    assertThat(c.call(T, "KEYS", "*")).isEqualTo(new RespClient.Error("ERR unsupported command 'KEYS'"));
                    assertThat(c.call(T, "PING")).isEqualTo("PONG");
                    zsetAlgebraSpansServers(c, List.of(r1, r2, r3));
                }
            }
        }
    }
}
