package io.walnut.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.walnut.config.ServerSpec;
import io.walnut.dist.DistributionType;
import io.walnut.dist.Placement;
import io.walnut.hash.HashFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-key routing cost: each hash function on a 16-byte key in a pooled direct buffer (as keys arrive from the
 * wire), and a whole ketama and modula lookup over 16 servers. Run with the JMH runner, e.g.
 * {@code java -cp target/test-classes:<test classpath> org.openjdk.jmh.Main HashBenchmark -prof gc} (the gc
 * profiler shows the allocation per call, which should be 0 bytes).
 */
public class HashBenchmark extends NanoBenchmark {
    private static final int KEY_OFFSET = 13;
    private static final byte[] KEY = "user:{12345}:abc".getBytes(StandardCharsets.US_ASCII);

    @Param({"ONE_AT_A_TIME", "MD5", "CRC16", "CRC32", "CRC32A", "FNV1_64", "FNV1A_64", "FNV1_32", "FNV1A_32",
        "HSIEH", "MURMUR", "JENKINS"})
    public HashFunction function;

    private ByteBuf buffer;
    private Placement ketama;
    private Placement modula;

    @Setup(Level.Trial)
    public void setUp() {
        buffer = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buffer.writeZero(KEY_OFFSET).writeBytes(KEY).writeZero(8);
        List<ServerSpec> servers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String name = "10.0.0." + (10 + i) + ":6379";
            servers.add(new ServerSpec(i, name, "10.0.0." + (10 + i), 6379, null, 1, name + ":1"));
        }
        ketama = Placement.of(function, null, DistributionType.KETAMA, servers);
        modula = Placement.of(function, null, DistributionType.MODULA, servers);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buffer.release();
    }

    @Benchmark
    public int hash() {
        return function.hash(buffer, KEY_OFFSET, KEY.length);
    }

    @Benchmark
    public int ketamaLookup() {
        return ketama.serverIndex(buffer, KEY_OFFSET, KEY.length);
    }

    @Benchmark
    public int modulaLookup() {
        return modula.serverIndex(buffer, KEY_OFFSET, KEY.length);
    }
}
