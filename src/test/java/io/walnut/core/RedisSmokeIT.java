package io.walnut.core;

import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RespClient;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

// The proxies are resources held open for the body of each try.
@SuppressWarnings("try")
class RedisSmokeIT {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void proxiesGetSetAndMget() {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(3);
             InProcessWalnut walnut = InProcessWalnut.start("alpha:\n  listen: 127.0.0.1:" + port
                     + "\n  hash: fnv1a_64\n  distribution: ketama\n  redis: true\n" + backends.serversYaml(), 2);
             RespClient c = RespClient.connect(port)) {
            assertThat(c.call(T, "PING")).isEqualTo("PONG");
            for (int k = 0; k < 50; k++) {
                assertThat(c.call(T, "SET", "key:" + k, "v" + k)).isEqualTo("OK");
            }
            Object mget = c.call(T, "MGET", "key:0", "key:10", "nokey", "key:40", "key:0");
            assertThat(mget).asInstanceOf(InstanceOfAssertFactories.LIST).extracting(o -> o == null ? null : new String((byte[]) o,
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
