package io.walnut.core;

import io.walnut.testing.RespClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.walnut.core.ShardedRedis.KETAMA;
import static io.walnut.core.ShardedRedis.MODULA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path through both pools of {@link ShardedRedis}: long pipelines, multi-key commands split over
 * three servers and merged (each key checked on the backend that holds it), hash tags, 16 MiB values, and keys
 * and values with every byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisProxyIT {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int PIPELINE = 10_000;

    private ShardedRedis redis;

    @BeforeAll
    void start() {
        redis = ShardedRedis.start(2);
    }

    @AfterAll
    void stop() {
        redis.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void jedisPipelineOfTenThousandCommands(String pool) {
        int pairs = PIPELINE / 2;
        try (Jedis j = redis.jedis(pool)) {
            Pipeline p = j.pipelined();
            List<Response<String>> sets = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                sets.add(p.set(pool + ":pipe:" + i, "value-" + i));
            }
            for (int i = 0; i < pairs; i++) {
                gets.add(p.get(pool + ":pipe:" + i));
            }
            p.sync();
            for (int i = 0; i < pairs; i++) {
                assertThat(sets.get(i).get()).isEqualTo("OK");
                assertThat(gets.get(i).get()).as("GET %d", i).isEqualTo("value-" + i);
            }
        }
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < pairs; i += 97) {
            String key = pool + ":pipe:" + i;
            assertThat(redis.holders(key)).containsExactly(redis.serverOf(pool, key));
            used.add(redis.serverOf(pool, key));
        }
        assertThat(used).as("the pipeline reached every server").hasSize(redis.servers());
    }

    /** One write of 10 000 requests (SET, GET, and an MGET of three every hundred), replies compared as bytes. */
    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void rawPipelineInOneWrite(String pool) throws Exception {
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int count = 0;
        for (int i = 0; count < PIPELINE; i++) {
            String key = pool + ":raw:" + i;
            String value = "v" + i;
            requests.writeBytes(RespClient.encode(bytes("SET"), bytes(key), bytes(value)));
            expected.writeBytes(bytes("+OK\r\n"));
            requests.writeBytes(RespClient.encode(bytes("GET"), bytes(key)));
            expected.writeBytes(bytes("$" + value.length() + "\r\n" + value + "\r\n"));
            count += 2;
            if (i % 100 == 99 && count < PIPELINE) {
                requests.writeBytes(RespClient.encode(bytes("MGET"), bytes(key), bytes(pool + ":raw:" + (i - 50)),
                        bytes(pool + ":raw:missing")));
                String earlier = "v" + (i - 50);
                expected.writeBytes(bytes("*3\r\n$" + value.length() + "\r\n" + value + "\r\n$" + earlier.length()
                        + "\r\n" + earlier + "\r\n$-1\r\n"));
                count++;
            }
        }
        byte[] all = requests.toByteArray();
        try (RespClient c = RespClient.connect(redis.port(pool))) {
            // Written from another thread: the replies must be read meanwhile or both sides' buffers fill.
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> c.send(all));
            ByteArrayOutputStream replies = new ByteArrayOutputStream();
            for (int i = 0; i < count; i++) {
                replies.writeBytes(c.readRawReply(T));
            }
            write.get(10, TimeUnit.SECONDS);
            assertThat(RespClient.printable(replies.toByteArray())).isEqualTo(RespClient.printable(expected.toByteArray()));
        }
    }

    /**
     * MSET, MGET, EXISTS, TOUCH, DEL and UNLINK over keys on all three servers, with repeated and missing keys: each
     * answers as one server holding every key would, and the backends hold exactly what they should.
     */
    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void multiKeyCommandsFanOut(String pool) {
        List<String> k = redis.spreadKeys(pool, pool + ":mk:", 12);
        List<String> missing = redis.spreadKeys(pool, pool + ":absent:", 3);
        try (Jedis j = redis.jedis(pool)) {
            List<String> pairs = new ArrayList<>(List.of(k.get(0), "overwritten"));
            for (int i = 0; i < k.size(); i++) {
                pairs.addAll(List.of(k.get(i), "v" + i));
            }
            assertThat(j.mset(pairs.toArray(String[]::new))).isEqualTo("OK");
            for (int i = 0; i < k.size(); i++) {
                String key = k.get(i);
                int server = redis.serverOf(pool, key);
                assertThat(redis.holders(key)).as("backends holding %s", key).containsExactly(server);
                assertThat(redis.direct(server).get(key)).isEqualTo("v" + i);
            }
            assertThat(j.mget(k.get(0), missing.get(0), k.get(5), k.get(0), k.get(11), missing.get(1), k.get(3)))
                    .containsExactly("v0", null, "v5", "v0", "v11", null, "v3");
            assertThat(j.mget(k.toArray(String[]::new))).containsExactly(
                    "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11");
            // Redis counts a repeated key each time for EXISTS and TOUCH, and deletes it once for DEL and UNLINK.
            assertThat(j.exists(k.get(0), k.get(0), k.get(1), missing.get(2), k.get(2))).isEqualTo(4);
            assertThat(j.touch(k.get(3), k.get(4), k.get(3), missing.get(0))).isEqualTo(3);
            assertThat(j.del(k.get(0), k.get(1), k.get(0), missing.get(1))).isEqualTo(2);
            assertThat(j.unlink(k.get(2), missing.get(2), k.get(2), k.get(3))).isEqualTo(2);
            assertThat(j.exists(k.toArray(String[]::new))).isEqualTo(k.size() - 4);
        }
        for (int i = 0; i < k.size(); i++) {
            List<Integer> expected = i < 4 ? List.of() : List.of(redis.serverOf(pool, k.get(i)));
            assertThat(redis.holders(k.get(i))).as("backends holding %s", k.get(i)).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void mgetRepliesInKeyOrderByteForByte(String pool) {
        List<String> k = redis.spreadKeys(pool, pool + ":order:", 6);
        try (RespClient c = RespClient.connect(redis.port(pool))) {
            for (int i = 0; i < k.size(); i++) {
                assertThat(c.call(T, "SET", k.get(i), "value" + i)).isEqualTo("OK");
            }
            byte[] reply = c.send("MGET", k.get(5), k.get(1), pool + ":nokey", k.get(3), k.get(1), "").readRawReply(T);
            assertThat(RespClient.printable(reply)).isEqualTo(
                    "*6\\r\\n$6\\r\\nvalue5\\r\\n$6\\r\\nvalue1\\r\\n$-1\\r\\n$6\\r\\nvalue3\\r\\n$6\\r\\nvalue1\\r\\n$-1\\r\\n");
        }
    }

    @Test
    @SuppressWarnings("deprecation") // Jedis deprecates RPOPLPUSH, tested here
    void keysWithTheSameHashTagShareABackend() {
        Set<Integer> used = new HashSet<>();
        try (Jedis j = redis.jedis(KETAMA)) {
            // Tags that the pool spreads over every server (fnv1a_64 clusters keys that differ only at the end).
            for (String tag : redis.spreadKeys(KETAMA, "user-", 9)) {
                List<String> keys = List.of("{" + tag + "}:name", "{" + tag + "}:mail", "x{" + tag + "}y{other}",
                        "{" + tag + "}");
                for (String key : keys) {
                    j.set(key, key);
                }
                Set<Integer> holders = new HashSet<>();
                for (String key : keys) {
                    holders.addAll(redis.holders(key));
                }
                assertThat(holders).as("backends holding the keys of tag %s", tag)
                        .containsExactly(redis.serverOf(KETAMA, tag));
                used.addAll(holders);
                assertThat(j.mget(keys.toArray(String[]::new))).containsExactlyElementsOf(keys);
            }
            assertThat(used).as("different tags go to different servers").hasSize(redis.servers());

            // Commands over several keys go whole to their first key's server: with one tag, that is all of them.
            j.sadd("{team}:a", "x", "y");
            j.sadd("{team}:b", "y", "z");
            assertThat(j.sunionstore("{team}:all", "{team}:a", "{team}:b")).isEqualTo(3);
            assertThat(j.sinter("{team}:a", "{team}:b")).containsExactly("y");
            j.rpush("{team}:queue", "job");
            assertThat(j.rpoplpush("{team}:queue", "{team}:done")).isEqualTo("job");
            assertThat(j.lrange("{team}:done", 0, -1)).containsExactly("job");
        }
        assertThat(redis.holders("{team}:all")).containsExactly(redis.serverOf(KETAMA, "team"));
        assertThat(redis.holders("{team}:done")).containsExactly(redis.serverOf(KETAMA, "team"));
    }

    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void sixteenMebibyteValues(String pool) {
        byte[] big = randomBytes(16 << 20, 1);
        byte[] other = randomBytes(16 << 20, 2);
        List<String> keys = redis.spreadKeys(pool, pool + ":big:", 2);
        byte[] k0 = bytes(keys.get(0));
        byte[] k1 = bytes(keys.get(1));
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.set(k0, big)).isEqualTo("OK");
            assertThat(j.get(k0)).isEqualTo(big);
            assertThat(j.mset(k1, other, k0, other)).isEqualTo("OK");
            List<byte[]> both = j.mget(k0, k1, k0);
            assertThat(both).hasSize(3);
            both.forEach(value -> assertThat(Arrays.equals(value, other)).isTrue());
            assertThat(j.set(k1, big)).isEqualTo("OK");
            assertThat(Arrays.equals(j.mget(k1).get(0), big)).isTrue();
        }
        assertThat(Arrays.equals(redis.direct(redis.serverOf(pool, k0)).get(k0), other)).isTrue();
        assertThat(Arrays.equals(redis.direct(redis.serverOf(pool, k1)).get(k1), big)).isTrue();
        assertThat(redis.holders(k0)).containsExactly(redis.serverOf(pool, k0));
        assertThat(redis.holders(k1)).containsExactly(redis.serverOf(pool, k1));
    }

    @ParameterizedTest
    @ValueSource(strings = {KETAMA, MODULA})
    void binaryKeysAndValues(String pool) {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        byte[][] keys = {
            {'b', 0, 'k'}, {'b', '\r', '\n', 'k'}, {'b', (byte) 0xff, 'k'}, {0}, {'\r', '\n'},
            bytes(pool + ":*1\r\n$3\r\nGET"), {(byte) 0xff, (byte) 0xfe, 0, '$', '-', '1', '\r', '\n'},
        };
        try (RespClient c = RespClient.connect(redis.port(pool)); Jedis j = redis.jedis(pool)) {
            for (int i = 0; i < keys.length; i++) {
                byte[] value = Arrays.copyOfRange(every, i, every.length);
                assertThat(c.send(bytes("SET"), keys[i], value).readRawReply(T)).isEqualTo(bytes("+OK\r\n"));
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(bytes("$" + value.length + "\r\n"));
                expected.writeBytes(value);
                expected.writeBytes(bytes("\r\n"));
                assertThat(c.send(bytes("GET"), keys[i]).readRawReply(T)).isEqualTo(expected.toByteArray());
                assertThat(j.get(keys[i])).isEqualTo(value);
                int server = redis.serverOf(pool, keys[i]);
                assertThat(redis.holders(keys[i])).containsExactly(server);
                assertThat(redis.direct(server).get(keys[i])).isEqualTo(value);
            }
            List<byte[]> values = j.mget(keys);
            for (int i = 0; i < keys.length; i++) {
                assertThat(values.get(i)).isEqualTo(Arrays.copyOfRange(every, i, every.length));
            }
            assertThat(j.del(keys)).isEqualTo(keys.length);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
