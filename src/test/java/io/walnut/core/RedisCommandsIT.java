package io.walnut.core;

import io.walnut.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.GeoCoordinate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.GeoUnit;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.GeoRadiusResponse;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Single-key commands of every Redis type through both pools of {@link ShardedRedis}, with Jedis as the client:
 * each reply is what Redis answers, and each key ends up on the one backend its pool places it on, asked directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCommandsIT {
    private ShardedRedis redis;

    @BeforeAll
    void start() {
        redis = ShardedRedis.start(1);
    }

    @AfterAll
    void stop() {
        redis.close();
    }

    private void assertPlaced(String pool, String... keys) {
        for (String key : keys) {
            assertThat(redis.holders(key)).as("backends holding %s", key).containsExactly(redis.serverOf(pool, key));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    @SuppressWarnings("deprecation") // Jedis deprecates some of the commands tested here
    void strings(String pool) {
        String k = pool + ":str";
        String n = pool + ":counter";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.set(k, "hello")).isEqualTo("OK");
            assertThat(j.get(k)).isEqualTo("hello");
            assertThat(j.set(k, "x", SetParams.setParams().nx())).isNull();
            assertThat(j.setnx(k, "x")).isZero();
            assertThat(j.append(k, " world")).isEqualTo(11);
            assertThat(j.strlen(k)).isEqualTo(11);
            assertThat(j.getrange(k, 0, 4)).isEqualTo("hello");
            assertThat(j.setrange(k, 6, "WORLD")).isEqualTo(11);
            assertThat(j.getSet(k, "new")).isEqualTo("hello WORLD");
            assertThat(j.getDel(k)).isEqualTo("new");
            assertThat(j.get(k)).isNull();
            assertThat(j.incr(n)).isEqualTo(1);
            assertThat(j.incrBy(n, 41)).isEqualTo(42);
            assertThat(j.decr(n)).isEqualTo(41);
            assertThat(j.decrBy(n, 40)).isEqualTo(1);
            assertThat(j.incrByFloat(n, 0.5)).isEqualTo(1.5);
            assertThat(j.set(k, "v", SetParams.setParams().xx())).isNull();
            assertThat(j.set(k, "v", SetParams.setParams().nx().ex(100))).isEqualTo("OK");
            assertThat(j.ttl(k)).isBetween(1L, 100L);
            assertThatThrownBy(() -> j.incr(pool + ":str")).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("not an integer");
        }
        assertPlaced(pool, k, n);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    void hashes(String pool) {
        String h = pool + ":hash";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.hset(h, Map.of("a", "1", "b", "2", "c", "3"))).isEqualTo(3);
            assertThat(j.hget(h, "a")).isEqualTo("1");
            assertThat(j.hmget(h, "a", "x", "c")).containsExactly("1", null, "3");
            assertThat(j.hgetAll(h)).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
            assertThat(j.hkeys(h)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(j.hvals(h)).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(j.hlen(h)).isEqualTo(3);
            assertThat(j.hexists(h, "b")).isTrue();
            assertThat(j.hsetnx(h, "b", "9")).isZero();
            assertThat(j.hincrBy(h, "a", 10)).isEqualTo(11);
            assertThat(j.hincrByFloat(h, "c", 0.25)).isEqualTo(3.25);
            assertThat(j.hstrlen(h, "c")).isEqualTo(4);
            assertThat(j.hscan(h, "0").getResult()).hasSize(3);
            assertThat(j.hrandfield(h)).isIn("a", "b", "c");
            assertThat(j.hdel(h, "a", "nope")).isEqualTo(1);
            assertThat(j.type(h)).isEqualTo("hash");
        }
        assertPlaced(pool, h);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    @SuppressWarnings("deprecation") // Jedis deprecates some of the commands tested here
    void lists(String pool) {
        String l = pool + ":list";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.rpush(l, "b", "c", "d")).isEqualTo(3);
            assertThat(j.lpush(l, "a")).isEqualTo(4);
            assertThat(j.lrange(l, 0, -1)).containsExactly("a", "b", "c", "d");
            assertThat(j.lindex(l, 2)).isEqualTo("c");
            assertThat(j.llen(l)).isEqualTo(4);
            assertThat(j.lset(l, 1, "B")).isEqualTo("OK");
            assertThat(j.linsert(l, ListPosition.AFTER, "B", "b2")).isEqualTo(5);
            assertThat(j.lpos(l, "c")).isEqualTo(3);
            assertThat(j.lrem(l, 0, "b2")).isEqualTo(1);
            assertThat(j.lmove(l, l, ListDirection.LEFT, ListDirection.RIGHT)).isEqualTo("a");
            assertThat(j.rpoplpush(l, l)).isEqualTo("a");
            assertThat(j.lpop(l)).isEqualTo("a");
            assertThat(j.rpop(l)).isEqualTo("d");
            assertThat(j.ltrim(l, 0, 0)).isEqualTo("OK");
            assertThat(j.lrange(l, 0, -1)).containsExactly("B");
            assertThatThrownBy(() -> j.get(l)).isInstanceOf(JedisDataException.class).hasMessageStartingWith("WRONGTYPE");
        }
        assertPlaced(pool, l);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    void sets(String pool) {
        String s = pool + ":set";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.sadd(s, "a", "b", "c", "a")).isEqualTo(3);
            assertThat(j.smembers(s)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(j.scard(s)).isEqualTo(3);
            assertThat(j.sismember(s, "b")).isTrue();
            assertThat(j.smismember(s, "a", "z")).containsExactly(true, false);
            assertThat(j.srem(s, "c", "z")).isEqualTo(1);
            assertThat(j.srandmember(s)).isIn("a", "b");
            assertThat(j.sscan(s, "0").getResult()).containsExactlyInAnyOrder("a", "b");
            assertThat(j.sinter(s)).containsExactlyInAnyOrder("a", "b");
            assertThat(j.spop(s)).isIn("a", "b");
            assertThat(j.scard(s)).isEqualTo(1);
        }
        assertPlaced(pool, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    @SuppressWarnings("deprecation") // Jedis deprecates some of the commands tested here
    void sortedSets(String pool) {
        String z = pool + ":zset";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.zadd(z, Map.of("a", 1.0, "b", 2.0, "c", 3.0))).isEqualTo(3);
            assertThat(j.zscore(z, "b")).isEqualTo(2.0);
            assertThat(j.zrank(z, "c")).isEqualTo(2);
            assertThat(j.zrevrank(z, "c")).isZero();
            assertThat(j.zrange(z, 0, -1)).containsExactly("a", "b", "c");
            assertThat(j.zrangeByScore(z, 1.5, 3)).containsExactly("b", "c");
            assertThat(j.zcount(z, 2, 3)).isEqualTo(2);
            assertThat(j.zincrby(z, 10, "a")).isEqualTo(11.0);
            assertThat(j.zmscore(z, "a", "zz")).containsExactly(11.0, null);
            assertThat(j.zrangeWithScores(z, 0, 0)).containsExactly(new Tuple("b", 2.0));
            assertThat(j.zpopmax(z)).isEqualTo(new Tuple("a", 11.0));
            assertThat(j.zpopmin(z)).isEqualTo(new Tuple("b", 2.0));
            assertThat(j.zcard(z)).isEqualTo(1);
            assertThat(j.zrem(z, "c")).isEqualTo(1);
            assertThat(j.exists(z)).isFalse();
            assertThat(j.zadd(z, 1, "m")).isEqualTo(1);
        }
        assertPlaced(pool, z);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    @SuppressWarnings("deprecation") // Jedis deprecates some of the commands tested here
    void hyperLogLogGeoAndBitmaps(String pool) {
        String hll = pool + ":hll";
        String geo = pool + ":geo";
        String bits = pool + ":bits";
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.pfadd(hll, "a", "b", "c", "a")).isEqualTo(1);
            assertThat(j.pfcount(hll)).isEqualTo(3);

            assertThat(j.geoadd(geo, Map.of("Palermo", new GeoCoordinate(13.361389, 38.115556),
                    "Catania", new GeoCoordinate(15.087269, 37.502669)))).isEqualTo(2);
            assertThat(j.geodist(geo, "Palermo", "Catania", GeoUnit.KM)).isCloseTo(166.27, within(0.01));
            assertThat(j.geohash(geo, "Palermo")).containsExactly("sqc8b49rny0");
            assertThat(j.geopos(geo, "Catania").get(0).getLongitude()).isCloseTo(15.087269, within(0.0001));
            assertThat(j.georadius(geo, 15, 37, 200, GeoUnit.KM)).extracting(GeoRadiusResponse::getMemberByString)
                    .containsExactlyInAnyOrder("Palermo", "Catania");

            assertThat(j.setbit(bits, 7, true)).isFalse();
            assertThat(j.setbit(bits, 9, true)).isFalse();
            assertThat(j.getbit(bits, 7)).isTrue();
            assertThat(j.bitcount(bits)).isEqualTo(2);
            assertThat(j.bitpos(bits, true)).isEqualTo(7);
            assertThat(j.bitfield(bits, "GET", "u8", "0")).containsExactly(1L);
        }
        assertPlaced(pool, hll, geo, bits);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    void scripting(String pool) {
        String k = pool + ":script";
        // A text of its own per pool, so that no other test has loaded its SHA on any backend.
        String script = "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1]) -- " + pool;
        try (Jedis j = redis.jedis(pool)) {
            assertThat(j.eval(script, List.of(k), List.of("via-eval"))).isEqualTo("via-eval");
            assertThat(j.eval("return {1, 'two', KEYS[1]}", List.of(k), List.of()))
                    .isEqualTo(List.of(1L, "two", k));
            assertThatThrownBy(() -> j.eval("return redis.error_reply('boom')", List.of(k), List.of()))
                    .isInstanceOf(JedisDataException.class).hasMessage("ERR boom");
            // SCRIPT LOAD is not proxied: load the script on the key's backend, then EVALSHA through the proxy.
            String sha = redis.direct(redis.serverOf(pool, k)).scriptLoad(script);
            assertThat(j.evalsha(sha, List.of(k), List.of("via-evalsha"))).isEqualTo("via-evalsha");
            assertThat(j.get(k)).isEqualTo("via-evalsha");
            String elsewhere = redis.spreadKeys(pool, pool + ":noscript", redis.servers()).stream()
                    .filter(key -> redis.serverOf(pool, key) != redis.serverOf(pool, k)).findFirst().orElseThrow();
            assertThatThrownBy(() -> j.evalsha(sha, List.of(elsewhere), List.of("x")))
                    .isInstanceOf(JedisDataException.class).hasMessageStartingWith("NOSCRIPT");
        }
        assertPlaced(pool, k);
    }

    @ParameterizedTest
    @ValueSource(strings = {ShardedRedis.KETAMA, ShardedRedis.MODULA})
    void expiryAndKeyCommands(String pool) throws InterruptedException {
        String k = pool + ":expiring";
        String copy = pool + ":restored";
        try (Jedis j = redis.jedis(pool)) {
            j.set(k, "v");
            assertThat(j.ttl(k)).isEqualTo(-1);
            assertThat(j.expire(k, 100)).isEqualTo(1);
            assertThat(j.ttl(k)).isEqualTo(100);
            assertThat(j.pexpire(k, 50_000)).isEqualTo(1);
            assertThat(j.pttl(k)).isBetween(1L, 50_000L);
            assertThat(j.persist(k)).isEqualTo(1);
            assertThat(j.pttl(k)).isEqualTo(-1);
            assertThat(j.expireAt(k, System.currentTimeMillis() / 1000 + 1000)).isEqualTo(1);
            assertThat(j.ttl(k)).isBetween(990L, 1000L);
            assertThat(j.getEx(k, GetExParams.getExParams().persist())).isEqualTo("v");
            byte[] dump = j.dump(k);
            assertThat(j.restore(copy, 0, dump)).isEqualTo("OK");
            assertThat(j.get(copy)).isEqualTo("v");
            assertPlaced(pool, k, copy);

            assertThat(j.set(k, "short", SetParams.setParams().px(50))).isEqualTo("OK");
            Await.until(Duration.ofSeconds(5), () -> !j.exists(k), k + " expired");
            assertThat(j.get(k)).isNull();
            assertThat(j.ttl(k)).isEqualTo(-2);
        }
        assertThat(redis.holders(k)).isEmpty();
    }
}
