package io.walnut.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.Walnut;
import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;
import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.proto.Protocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes halves of client receive and server receive: one read of a pipeline of {@value #REQUESTS} requests
 * (a get, a set of a 32-byte value, a multi-get of 10 keys, in turn), or of their replies, from a pooled direct
 * buffer through the protocol's decoder in an {@link EmbeddedChannel}, each emitted message recycled as the
 * proxy does. Scores are per request or reply.
 *
 * <p>Run with the JMH runner on the test classpath, e.g.
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 * java -cp target/test-classes:target/classes:$(cat target/test.cp) org.openjdk.jmh.Main \
 *     DecoderBenchmark -prof gc
 * </pre>
 * ({@code -f 1 -wi 1 -i 1} for a quick check). The gc profiler's {@code gc.alloc.rate.norm} is the allocation per
 * request, which should stay near 0 bytes once the message pool is warm.
 */
// On FastThreadLocalThreads, as on the proxy's event loops: elsewhere Netty's recyclers allocate afresh.
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.walnut.bench.EventLoopLikeExecutor"})
public class DecoderBenchmark extends NanoBenchmark {
    static final int REQUESTS = 300;

    @Param({"redis", "memcache"})
    public String protocol;

    @Param({"requests", "replies"})
    public String side;

    private final MessagePool messages = new MessagePool();
    private EmbeddedChannel channel;
    private ByteBuf pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        boolean redis = protocol.equals("redis");
        boolean replies = side.equals("replies");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            String key = "user:" + i;
            String value = "v".repeat(32);
            switch (i % 3) {
                case 0:
                    text.append(replies ? hit(redis, key, value, true) : redis ? command("GET", key)
                            : "get " + key + "\r\n");
                    break;
                case 1:
                    text.append(replies ? (redis ? "+OK\r\n" : "STORED\r\n") : redis ? command("SET", key, value)
                            : "set " + key + " 0 0 32\r\n" + value + "\r\n");
                    break;
                default:
                    String[] keys = new String[10];
                    StringBuilder hits = new StringBuilder(redis ? "*10\r\n" : "");
                    for (int k = 0; k < keys.length; k++) {
                        keys[k] = key + ":" + k;
                        hits.append(hit(redis, keys[k], value, false));
                    }
                    text.append(replies ? hits + (redis ? "" : "END\r\n")
                            : redis ? command("MGET", keys) : "get " + String.join(" ", keys) + "\r\n");
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        pipeline = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        Protocol p = Walnut.protocolFor(pool(redis), 16384);
        channel = new EmbeddedChannel(replies ? p.newReplyDecoder(messages) : p.newRequestDecoder(messages));
    }

    /** A hit for {@code key}: a bulk string, or a VALUE block ({@code END} after it when {@code alone}). */
    private static String hit(boolean redis, String key, String value, boolean alone) {
        if (redis) {
            return "$" + value.length() + "\r\n" + value + "\r\n";
        }
        return "VALUE " + key + " 0 " + value.length() + "\r\n" + value + "\r\n" + (alone ? "END\r\n" : "");
    }

    private static PoolConfig pool(boolean redis) {
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 1);
        return new PoolConfig("bench", new ListenAddress("127.0.0.1:1", any, null, 0), HashFunction.FNV1A_64, null,
                DistributionType.KETAMA, -1, 512, 0, redis, null, 0, false, false, 1, 30000, 2, false,
                List.of(new ServerSpec(0, "s", "127.0.0.1", 1, null, 1, "127.0.0.1:1:1 s")));
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
