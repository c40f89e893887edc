package io.walnut.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;
import io.walnut.core.Message;
import io.walnut.core.MessageLinks;
import io.walnut.core.MessagePool;
import io.walnut.dist.DistributionType;
import io.walnut.dist.Placement;
import io.walnut.hash.HashFunction;
import io.walnut.proto.Protocol;
import io.walnut.proto.redis.RedisProtocol;
import io.walnut.proto.redis.RedisReplyDecoder;
import io.walnut.proto.redis.RedisRequestDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multi-key request's own cost in the proxy: an MGET of {@link #keys} keys over three servers (ketama,
 * fnv1a_64) is placed key by key, split into one fragment per server with the Redis protocol's fragment builder,
 * and the fragments' replies (decoded once, in set-up; a third of the keys missing) are merged back in key order.
 * Queues and sockets are left out. Scores are per MGET.
 *
 * <p>Run with the JMH runner on the test classpath, e.g.
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.cp
 * java -cp target/test-classes:target/classes:$(cat target/test.cp) org.openjdk.jmh.Main \
 *     FragmentMergeBenchmark -prof gc
 * </pre>
 * ({@code -f 1 -wi 1 -i 1} for a quick check). The gc profiler's {@code gc.alloc.rate.norm} is the allocation per
 * MGET.
 */
// On FastThreadLocalThreads, as on the proxy's event loops: elsewhere Netty's recyclers allocate afresh.
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Djmh.executor=CUSTOM",
    "-Djmh.executor.class=io.walnut.bench.EventLoopLikeExecutor"})
public class FragmentMergeBenchmark extends NanoBenchmark {
    private static final int SERVERS = 3;

    @Param({"10", "100"})
    public int keys;

    private final MessagePool messages = new MessagePool();
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private Protocol protocol;
    private Placement placement;
    private Message parent;
    private Message[] fragments;
    private int[] keyFragment;
    private final int[] keysPerServer = new int[SERVERS];
    private final int[] runStart = new int[SERVERS];
    private final int[] runEnd = new int[SERVERS];
    private int[] serverOfKey;
    private int[] keysByServer;

    @Setup(Level.Trial)
    public void setUp() {
        List<ServerSpec> servers = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            String name = "s" + (i + 1);
            servers.add(new ServerSpec(i, name, "127.0.0.1", 6379 + i, null, 1, "127.0.0.1:" + (6379 + i) + ":1 " + name));
        }
        placement = Placement.of(HashFunction.FNV1A_64, null, DistributionType.KETAMA, servers);
        protocol = new RedisProtocol(new PoolConfig("bench", null,
                HashFunction.FNV1A_64, null, DistributionType.KETAMA, 0, 512, 0, true, null, 0, false, false, 1,
                30000, 2, false, servers), 16384);
        // Keys taken in turn from each server (fnv1a_64 clusters keys that differ only at the end).
        String[] mget = new String[keys + 1];
        mget[0] = "MGET";
        for (int k = 1, i = 0; k <= keys; i++) {
            String key = "key:" + i;
            if (placement.serverIndex(key.getBytes(StandardCharsets.US_ASCII)) == k % SERVERS) {
                mget[k++] = key;
            }
        }
        parent = decodeOne(new RedisRequestDecoder(messages, 16336),
                DecoderBenchmark.command(mget[0], java.util.Arrays.copyOfRange(mget, 1, mget.length)));
        serverOfKey = new int[keys];
        keysByServer = new int[keys];
        keyFragment = new int[keys];
        if (split() != SERVERS) {
            throw new IllegalStateException("the keys do not reach all " + SERVERS + " servers");
        }
        // Fake replies, one per fragment: each key's value, or nil for every third key.
        for (int f = 0; f < fragments.length; f++) {
            int s = serverOfFragment(f);
            StringBuilder reply = new StringBuilder("*").append(runEnd[s] - runStart[s]).append("\r\n");
            for (int i = runStart[s]; i < runEnd[s]; i++) {
                int key = keysByServer[i];
                reply.append(key % 3 == 2 ? "$-1\r\n" : "$12\r\nvalue-" + String.format("%06d", key) + "\r\n");
            }
            MessageLinks.setPeer(fragments[f], decodeOne(new RedisReplyDecoder(messages), reply.toString()));
        }
        checkMerge();
    }

    /** The merge under measurement gives the reply one server holding every key would give. */
    private void checkMerge() {
        StringBuilder expected = new StringBuilder("*").append(keys).append("\r\n");
        for (int key = 0; key < keys; key++) {
            expected.append(key % 3 == 2 ? "$-1\r\n" : "$12\r\nvalue-" + String.format("%06d", key) + "\r\n");
        }
        ByteBuf merged = protocol.merge(alloc, parent);
        try {
            String got = merged.toString(StandardCharsets.US_ASCII);
            if (!got.equals(expected.toString())) {
                throw new IllegalStateException("merged reply " + got + " is not " + expected);
            }
        } finally {
            merged.release();
        }
    }

    private Message decodeOne(ChannelHandler decoder, String bytes) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.US_ASCII));
        Message m = channel.readInbound();
        channel.finishAndReleaseAll();
        return m;
    }

    /** Places each key and groups the key indexes by server, each run in request order (as Fragmenter does). */
    private int split() {
        Arrays.fill(keysPerServer, 0);
        for (int i = 0; i < keys; i++) {
            int s = placement.serverIndex(parent.buf(), parent.keyStart(i), parent.keyLength(i));
            serverOfKey[i] = s;
            keysPerServer[s]++;
        }
        int at = 0;
        int count = 0;
        for (int s = 0; s < SERVERS; s++) {
            runStart[s] = at;
            runEnd[s] = at;
            at += keysPerServer[s];
            count += keysPerServer[s] > 0 ? 1 : 0;
        }
        for (int i = 0; i < keys; i++) {
            keysByServer[runEnd[serverOfKey[i]]++] = i;
        }
        if (fragments == null) {
            fragments = new Message[count];
            for (int f = 0; f < count; f++) {
                fragments[f] = new Message();
            }
            MessageLinks.setFragments(parent, fragments, keyFragment);
        }
        int f = 0;
        for (int s = 0; s < SERVERS; s++) {
            if (keysPerServer[s] > 0) {
                for (int i = runStart[s]; i < runEnd[s]; i++) {
                    keyFragment[keysByServer[i]] = f;
                }
                f++;
            }
        }
        return count;
    }

    private int serverOfFragment(int fragment) {
        int f = 0;
        for (int s = 0; s < SERVERS; s++) {
            if (keysPerServer[s] > 0 && f++ == fragment) {
                return s;
            }
        }
        throw new IllegalArgumentException("no fragment " + fragment);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Message f : fragments) {
            messages.recycle(f.peer());
        }
        messages.recycle(parent);
    }

    @Benchmark
    public int fragmentAndMerge() {
        split();
        int bytes = 0;
        for (int s = 0; s < SERVERS; s++) {
            if (keysPerServer[s] > 0) {
                ByteBuf fragment = protocol.fragment(alloc, parent, keysByServer, runStart[s], keysPerServer[s]);
                bytes += fragment.readableBytes();
                fragment.release();
            }
        }
        ByteBuf merged = protocol.merge(alloc, parent);
        bytes += merged.readableBytes();
        merged.release();
        return bytes;
    }
}
