package io.walnut.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.memcache.MemcacheRequestDecoder;
import io.walnut.proto.redis.RedisRequestDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Client receive, bytes half: one read of a pipeline of {@value #REQUESTS} requests (a get, a set of a 32-byte
 * value, a multi-get of 10 keys, in turn) from a pooled direct buffer through the {@link RedisRequestDecoder} or
 * the {@link MemcacheRequestDecoder} in an {@link EmbeddedChannel}, each emitted message recycled as the proxy
 * does. Scores are per request.
 *
 * <p>Run with the JMH runner on the test classpath, e.g.
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 * java -cp target/test-classes:target/classes:$(cat target/test.cp) org.openjdk.jmh.Main \
 *     RequestDecoderBenchmark -prof gc
 * </pre>
 * ({@code -f 1 -wi 1 -i 1} for a quick check). The gc profiler's {@code gc.alloc.rate.norm} is the allocation per
 * request, which should stay near 0 bytes once the message pool is warm.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// On FastThreadLocalThreads, as on the proxy's event loops: elsewhere Netty's recyclers allocate afresh.
@Fork(value = 1, jvmArgsAppend = {"-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.walnut.bench.EventLoopLikeExecutor"})
public class RequestDecoderBenchmark {
    static final int REQUESTS = 300;

    @Param({"redis", "memcache"})
    public String protocol;

    private final MessagePool messages = new MessagePool();
    private EmbeddedChannel channel;
    private ByteBuf pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        boolean redis = protocol.equals("redis");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            String key = "user:" + i;
            switch (i % 3) {
                case 0:
                    text.append(redis ? command("GET", key) : "get " + key + "\r\n");
                    break;
                case 1:
                    String value = "v".repeat(32);
                    text.append(redis ? command("SET", key, value) : "set " + key + " 0 0 32\r\n" + value + "\r\n");
                    break;
                default:
                    String[] keys = new String[10];
                    for (int k = 0; k < keys.length; k++) {
                        keys[k] = key + ":" + k;
                    }
                    text.append(redis ? command("MGET", keys) : "get " + String.join(" ", keys) + "\r\n");
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        pipeline = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        channel = new EmbeddedChannel(redis ? new RedisRequestDecoder(messages, 16336)
                : new MemcacheRequestDecoder(messages));
    }

    static String command(String name, String... args) {
        StringBuilder b = new StringBuilder("*").append(args.length + 1).append("\r\n");
        b.append('$').append(name.length()).append("\r\n").append(name).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return b.toString();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        pipeline.release();
    }

    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public int decodePipeline() {
        channel.writeInbound(pipeline.retainedDuplicate());
        int keys = 0;
        Message m;
        while ((m = channel.readInbound()) != null) {
            keys += m.keyCount();
            messages.recycle(m);
        }
        return keys;
    }
}
