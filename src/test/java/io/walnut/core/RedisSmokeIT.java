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
                }
            }
        }
    }
}
