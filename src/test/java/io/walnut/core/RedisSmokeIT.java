package io.walnut.core;

import io.walnut.testing.FreePorts;
import io.walnut.testing.InProcessWalnut;
import io.walnut.testing.RedisBackends;
import io.walnut.testing.RespClient;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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

    /** ZUNION/ZINTER/ZDIFF over keys on three servers answer as one server holding every key would. */
    @Test
    void zsetAlgebraOverKeysOnThreeServersSeesEveryKey() {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(3);
             InProcessWalnut walnut = InProcessWalnut.start("alpha:\n  listen: 127.0.0.1:" + port
                     + "\n  hash: md5\n  distribution: modula\n  redis: true\n" + backends.serversYaml(), 2);
             RespClient c = RespClient.connect(port)) {
            List<String> args = new ArrayList<>(List.of("ZUNION", "10"));
            for (int k = 0; k < 10; k++) {
                c.call(T, "ZADD", "z:" + k, Integer.toString(k), "m" + k, "1", "common");
                args.add("z:" + k);
            }
            args.add("WITHSCORES");
            assertThat(texts(c.call(T, args.toArray(new String[0])))).containsExactly("m0", "0", "m1", "1", "m2", "2",
                    "m3", "3", "m4", "4", "m5", "5", "m6", "6", "m7", "7", "m8", "8", "m9", "9", "common", "10");
            args.set(0, "ZINTER");
            args.remove(args.size() - 1);
            assertThat(texts(c.call(T, args.toArray(new String[0])))).containsExactly("common");
            assertThat(texts(c.call(T, "ZDIFF", "3", "z:0", "z:1", "z:2"))).containsExactly("m0");
            long keysOnBackends = 0;
            for (int i = 0; i < backends.size(); i++) {
                try (Jedis direct = backends.direct(i)) {
                    keysOnBackends += direct.dbSize();
                }
            }
            assertThat(keysOnBackends).as("the ten sets, and no temporary key left behind").isEqualTo(10);
        }
    }

    /** Options, missing keys, wrong types and syntax errors: the same bytes as one server holding every key. */
    @Test
    void zsetAlgebraAnswersByteForByteAsOneServer() {
        int port = FreePorts.loopback();
        try (RedisBackends backends = RedisBackends.start(4);
             InProcessWalnut walnut = InProcessWalnut.start("alpha:\n  listen: 127.0.0.1:" + port
                     + "\n  hash: md5\n  distribution: modula\n  redis: true\n  servers:\n"
                     + "   - 127.0.0.1:" + backends.port(0) + ":1 a\n   - 127.0.0.1:" + backends.port(1) + ":1 b\n"
                     + "   - 127.0.0.1:" + backends.port(2) + ":1 c\n", 1);
             RespClient proxy = RespClient.connect(port);
             RespClient single = RespClient.connect(backends.port(3))) {
            List<String[]> setup = List.of(new String[] {"ZADD", "za", "1", "x", "2", "y", "3", "z"},
                    new String[] {"ZADD", "zb", "10", "y", "20", "w"}, new String[] {"ZADD", "zc", "1.5", "x", "-2", "q"},
                    new String[] {"SET", "str", "v"}, new String[] {"SADD", "aset", "x", "m"});
            for (String[] command : setup) {
                assertThat(proxy.send(command).readRawReply(T)).isEqualTo(single.send(command).readRawReply(T));
            }
            int holding = 0;
            for (int i = 0; i < 3; i++) {
                try (Jedis direct = backends.direct(i)) {
                    holding += direct.exists("za", "zb", "zc") > 0 ? 1 : 0;
                }
            }
            assertThat(holding).as("the sets live on several servers").isGreaterThan(1);
            List<String> cases = List.of("ZUNION 3 za zb zc WITHSCORES",
                    "ZUNION 3 za zb zc WEIGHTS 1 2 3 AGGREGATE MAX WITHSCORES", "ZINTER 2 za zb WITHSCORES",
                    "ZDIFF 2 za zc WITHSCORES", "ZUNION 2 za nokey", "ZUNION 2 za str", "ZUNION 2 za aset WITHSCORES",
                    "ZINTER 3 za zb zc AGGREGATE MIN", "ZUNION 2 za zb BADOPT", "ZUNION 5 za zb", "ZDIFF 1 zb",
                    "ZUNION 3 zc zc za WITHSCORES");
            for (String c : cases) {
                String[] command = c.split(" ");
                assertThat(RespClient.printable(proxy.send(command).readRawReply(T))).as(c)
                        .isEqualTo(RespClient.printable(single.send(command).readRawReply(T)));
            }
        }
    }

    private static List<String> texts(Object arrayReply) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) arrayReply) {
            out.add(new String((byte[]) o, StandardCharsets.UTF_8));
        }
        return out;
    }
}
