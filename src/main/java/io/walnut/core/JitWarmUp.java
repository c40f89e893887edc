package io.walnut.core;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ServerSpec;
import io.walnut.proto.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Compiles the request path before the pools open. Stand-ins of the configured pools (same hash, hash tag,
 * distribution, server names and weights, so the same branches get compiled) listen on loopback ports, on
 * the proxy's own event loops, in front of a stub server per protocol; they are sent GET, SET and MGET (get, set
 * and multi-key get), alone and pipelined, small and 4 KiB values, until the JIT compilers go quiet or the time
 * is up. Without it the first seconds of traffic run in the interpreter while the compilers take a core: on two
 * cores shared with clients and servers that cost about a tenth of a one-minute benchmark's throughput
 * (docs/performance.md).
 *
 * <p>Nothing of it is visible afterwards: the stand-ins have their own stats and connection counts, the stubs
 * answer every request themselves, so no configured server sees a byte; and the event loops are not shut down,
 * which would send their compiled code back to the interpreter.
 */
final class JitWarmUp {
    private static final Logger log = LoggerFactory.getLogger(JitWarmUp.class);
    private static final int VALUE_SIZE = 32;
    private static final int LARGE_VALUE = 4096;
    private static final int ROUNDS_PER_CONNECTION = 64;
    private static final int MULTI_KEYS = 10;
    /**
     * Multi-key requests of the deep batches have this many keys, so that the loops over many keys and the paths
     * of replies larger than a read (a partial reply kept across reads, buffers of the allocator's larger size
     * classes) are compiled too.
     */
    private static final int MANY_KEYS = 100;
    private static final int PIPELINE = 16;
    /** Alone, pipelined as clients do, and deep as a bulk load: each takes other paths through the loop. */
    private static final int DEEP_PIPELINE = 100;
    private static final int[] BATCH_SIZES = {1, PIPELINE, 1, DEEP_PIPELINE};
    /** Pools warmed up: enough to compile every path; a config of dozens would only take longer. */
    private static final int MAX_POOLS = 4;
    private static final int CONNECTIONS_PER_POOL = 2;
    /**
     * The stand-ins' request timeout: short, so their timeout timers fire and re-arm during the warm-up (a
     * scheduled task first coming due later would send the compiled event loop back to the interpreter), yet far
     * above the stubs' answer times.
     */
    private static final int WARM_UP_TIMEOUT_MS = 250;
    private static final long BURST_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /** The compilers count as quiet after this long without compiling. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(60);
    /** A burst that led to less compiling than this found nothing new worth compiling. */
    private static final long SETTLED_MILLIS = 20;
    private static final byte[] VALUE = "v".repeat(LARGE_VALUE).getBytes(StandardCharsets.US_ASCII);
    /** The stub's answer to a read of a key it lacks (redis; memcached answers nothing for it). */
    private static final String NIL = "$-1\r\n";

    private JitWarmUp() {
    }

    /**
     * Runs the warm-up for the pools of {@code proxy}, on its event loops, for at most {@code limitMillis}; any
     * failure is logged and ends it early.
     */
    static void run(Proxy proxy, long limitMillis) {
        if (limitMillis <= 0) {
            return;
        }
        long start = System.nanoTime();
        AtomicLong requests = new AtomicLong();
        try {
            warmUp(proxy, start + TimeUnit.MILLISECONDS.toNanos(limitMillis), requests);
        } catch (IOException | RuntimeException e) {
            log.debug("JIT warm-up ended early: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("JIT warm-up: {} requests in {} ms", requests.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static void warmUp(Proxy proxy, long deadline, AtomicLong requests)
            throws IOException, InterruptedException {
        Queue<Channel> stubChannels = new ConcurrentLinkedQueue<>();
        Proxy standIn = null;
        try {
            // One stub per protocol, started by the first pool that needs it; 0 until then.
            int redisStub = 0;
            int memcacheStub = 0;
            List<ServerPool> pools = new ArrayList<>();
            for (ServerPool pool : proxy.pools().subList(0, Math.min(MAX_POOLS, proxy.pools().size()))) {
                boolean redis = pool.config().redis();
                if (redis && redisStub == 0) {
                    redisStub = startStub(proxy, pool.protocol(), true, stubChannels);
                } else if (!redis && memcacheStub == 0) {
                    memcacheStub = startStub(proxy, pool.protocol(), false, stubChannels);
                }
                PoolConfig config = standIn(pool.config(), redis ? redisStub : memcacheStub);
                pools.add(new ServerPool(pools.size(), config, pool.protocol()));
            }
            // The batch window applies from as many clients as drive a pool, so its path is compiled too.
            standIn = new Proxy(proxy, pools, CONNECTIONS_PER_POOL);
            standIn.start();
            List<SocketAddress> listening = standIn.listenerAddresses();
            AtomicReference<Load> load = new AtomicReference<>(Load.MIXED);
            List<Thread> drivers = new ArrayList<>();
            for (ServerPool pool : pools) {
                for (int c = 0; c < CONNECTIONS_PER_POOL; c++) {
                    drivers.add(driver(pool.config(), listening.get(pool.index()), load, requests));
                }
            }
            drivers.forEach(Thread::start);
            loadUntilCompiled(deadline, load, drivers, standIn::snapshot);
            load.set(Load.STOPPED);
            for (Thread d : drivers) {
                d.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())) + 1000);
            }
        } finally {
            if (standIn != null) {
                standIn.close();
            }
            for (Channel ch : stubChannels) {
                ch.close().awaitUninterruptibly();
            }
        }
    }

    /**
     * The pool as configured (hash, hash tag, distribution, server names and weights, preconnect, so the same
     * branches are taken and compiled), but listening on a loopback port of the kernel's choosing, with every
     * server at the stub, and never ejecting one.
     */
    private static PoolConfig standIn(PoolConfig pool, int stubPort) {
        ListenAddress listen = new ListenAddress("127.0.0.1:0",
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, 0);
        List<ServerSpec> servers = new ArrayList<>();
        for (ServerSpec s : pool.servers()) {
            servers.add(new ServerSpec(s.index(), s.name(), "127.0.0.1", stubPort, null, s.weight(), s.text()));
        }
        return new PoolConfig(pool.name(), listen, pool.hash(), pool.hashTag(), pool.distribution(),
                WARM_UP_TIMEOUT_MS, pool.backlog(), 0, pool.redis(), pool.redisAuth(), pool.redisDb(),
                pool.preconnect(), false, pool.serverConnections(), pool.serverRetryTimeoutMs(),
                pool.serverFailureLimit(), pool.tcpKeepalive(), servers);
    }

    /**
     * Alternates bursts of load with pauses in which the compilers work undisturbed (on two cores the load
     * would take the CPU they need), until a burst adds little compiling or the deadline passes; then one burst
     * of single requests, whose many turns of the event loop bring the loop's own methods to the top tier while
     * the compilers have little else to do (the mixed bursts' large batches turn it too few times). During the
     * bursts {@code fromOutside} hands the loops tasks from this thread, as the real start and every stats read
     * do: a loop compiled without ever being woken that way traps on the first such task and goes back to the
     * interpreter, under the first real load.
     */
    private static void loadUntilCompiled(long deadline, AtomicReference<Load> load, List<Thread> drivers,
                                          Runnable fromOutside) throws InterruptedException {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            sleepUntil(deadline, drivers, fromOutside);
            return;
        }
        while (System.nanoTime() - deadline < 0 && drivers.stream().allMatch(Thread::isAlive)) {
            if (burst(Load.MIXED, deadline, load, drivers, fromOutside, compiler) < SETTLED_MILLIS) {
                break;
            }
        }
        burst(Load.SINGLES, deadline, load, drivers, fromOutside, compiler);
    }

    /** One burst of {@code kind}, then a pause until the compilers go quiet; returns the milliseconds compiled. */
    private static long burst(Load kind, long deadline, AtomicReference<Load> load, List<Thread> drivers,
                              Runnable fromOutside, CompilationMXBean compiler) throws InterruptedException {
        long before = compiler.getTotalCompilationTime();
        load.set(kind);
        sleepUntil(Math.min(deadline, System.nanoTime() + BURST_NANOS), drivers, fromOutside);
        load.set(Load.PAUSED);
        long last = compiler.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - deadline < 0 && System.nanoTime() - quietSince < QUIET_NANOS) {
            Thread.sleep(10);
            long total = compiler.getTotalCompilationTime();
            if (total != last) {
                last = total;
                quietSince = System.nanoTime();
            }
        }
        return last - before;
    }

    private static void sleepUntil(long until, List<Thread> drivers, Runnable fromOutside)
            throws InterruptedException {
        while (System.nanoTime() - until < 0 && drivers.stream().allMatch(Thread::isAlive)) {
            Thread.sleep(10);
            fromOutside.run();
        }
    }

    // ---- load ----

    /** What the drivers send: the mixed batches, single requests only, or nothing (for a while, or for good). */
    private enum Load { MIXED, SINGLES, PAUSED, STOPPED }

    /**
     * One client of the warm-up: batches of 1, 16 and 100 requests, some written in two parts cut inside a
     * request (so the decoders' partial paths are compiled too), on a connection renewed every
     * {@link #ROUNDS_PER_CONNECTION} batches, each opened (redis) with a command the proxy refuses, as
     * redis-benchmark's CONFIG GET is, preceded by a connection that sends nothing, as a port probe or health
     * check does, and left with requests in flight ({@link #leaveWithRequestsInFlight}).
     */
    private static Thread driver(PoolConfig pool, SocketAddress proxy, AtomicReference<Load> load, AtomicLong sent) {
        Requests requests = pool.redis() ? REDIS : MEMCACHE;
        Thread t = new Thread(() -> {
            try {
                byte[] sink = new byte[64 * 1024];
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (int round = 0; load.get() != Load.STOPPED; ) {
                    try (Socket probe = new Socket()) {
                        probe.connect(proxy, 2000);
                    }
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.connect(proxy, 2000);
                        socket.setSoTimeout(2000);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = socket.getInputStream();
                        byte[] refused = requests.refused();
                        if (refused != null) {
                            out.write(refused);
                            out.flush();
                            readLine(in);
                        }
                        for (int end = round + ROUNDS_PER_CONNECTION;
                             round < end && load.get() != Load.STOPPED; round++) {
                            Load now = load.get();
                            if (now == Load.PAUSED) {
                                Thread.sleep(5);
                                continue;
                            }
                            int size = now == Load.SINGLES ? 1 : BATCH_SIZES[round % BATCH_SIZES.length];
                            bytes.reset();
                            int expected = batch(requests, bytes, round, size);
                            byte[] request = bytes.toByteArray();
                            int cut = round % 4 == 3 ? request.length / 2 + 1 : request.length;
                            out.write(request, 0, cut);
                            out.flush();
                            out.write(request, cut, request.length - cut);
                            out.flush();
                            for (int read = 0; read < expected; ) {
                                int n = in.read(sink, 0, Math.min(sink.length, expected - read));
                                if (n < 0) {
                                    throw new IOException("the warm-up proxy closed the connection");
                                }
                                read += n;
                            }
                            sent.addAndGet(size);
                        }
                        if (load.get() == Load.MIXED) {
                            leaveWithRequestsInFlight(requests, bytes, round, socket);
                        }
                    }
                }
            } catch (IOException e) {
                log.debug("JIT warm-up driver for pool '{}': {}", pool.name(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "walnut-warmup-" + pool.name());
        t.setDaemon(true);
        return t;
    }

    /**
     * Sends a batch and leaves before its replies are all read, as a load generator does once it has counted the
     * replies it wanted: the proxy then drops replies owed to a client that is gone. Every other connection
     * closes at once; the others wait for the first reply byte and reset the connection, as a client that aborts
     * does, so the proxy's next read fails.
     */
    private static void leaveWithRequestsInFlight(Requests requests, ByteArrayOutputStream bytes, int round,
                                                 Socket socket) throws IOException {
        bytes.reset();
        batch(requests, bytes, round, PIPELINE);
        socket.getOutputStream().write(bytes.toByteArray());
        socket.getOutputStream().flush();
        if (round / ROUNDS_PER_CONNECTION % 2 == 0) {
            if (socket.getInputStream().read() < 0) {
                throw new IOException("the warm-up proxy closed the connection");
            }
            socket.setSoLinger(true, 0);
        }
    }

    private static void readLine(InputStream in) throws IOException {
        for (int b = 0; b != '\n'; ) {
            b = in.read();
            if (b < 0) {
                throw new IOException("the warm-up proxy closed the connection");
            }
        }
    }

    /**
     * GET, SET and an MGET of 10 keys (100 in deep batches) in turn (get, set, multi-key get); the stub's replies
     * have known sizes.
     */
    private static int batch(Requests requests, ByteArrayOutputStream out, int round, int size) {
        int expected = 0;
        for (int i = 0; i < size; i++) {
            int n = round * DEEP_PIPELINE + i;
            switch (n % 3) {
                case 0:
                    expected += requests.get(out, key(n));
                    break;
                case 1:
                    expected += requests.set(out, key(n));
                    break;
                default:
                    String[] keys = new String[size == DEEP_PIPELINE ? MANY_KEYS : MULTI_KEYS];
                    for (int k = 0; k < keys.length; k++) {
                        keys[k] = key(n * MANY_KEYS + k + 1);
                    }
                    expected += requests.multiGet(out, keys);
            }
        }
        return expected;
    }

    /** One protocol's requests: each appends its bytes to {@code out} and returns the reply bytes it expects. */
    private interface Requests {
        int get(ByteArrayOutputStream out, String key);

        int set(ByteArrayOutputStream out, String key);

        int multiGet(ByteArrayOutputStream out, String[] keys);

        /** A request the proxy answers with a one-line error and keeps the connection; null if none. */
        byte[] refused();
    }

    private static final Requests REDIS = new Requests() {
        @Override
        public int get(ByteArrayOutputStream out, String key) {
            out.writeBytes(resp("GET", key));
            return valueReplySize(true, key);
        }

        @Override
        public int set(ByteArrayOutputStream out, String key) {
            out.writeBytes(resp("SET", key, "v".repeat(valueSize(key))));
            return "+OK\r\n".length();
        }

        @Override
        public int multiGet(ByteArrayOutputStream out, String[] keys) {
            String[] args = new String[keys.length + 1];
            args[0] = "MGET";
            System.arraycopy(keys, 0, args, 1, keys.length);
            out.writeBytes(resp(args));
            int expected = ("*" + keys.length + "\r\n").length();
            for (String key : keys) {
                expected += valueReplySize(true, key);
            }
            return expected;
        }

        @Override
        public byte[] refused() {
            return resp("CONFIG", "GET", "save");
        }
    };

    private static final Requests MEMCACHE = new Requests() {
        @Override
        public int get(ByteArrayOutputStream out, String key) {
            return multiGet(out, new String[] {key});
        }

        @Override
        public int set(ByteArrayOutputStream out, String key) {
            int length = valueSize(key);
            out.writeBytes(ascii("set " + key + " 0 0 " + length + "\r\n" + "v".repeat(length) + "\r\n"));
            return "STORED\r\n".length();
        }

        @Override
        public int multiGet(ByteArrayOutputStream out, String[] keys) {
            out.writeBytes(ascii("get " + String.join(" ", keys) + "\r\n"));
            int expected = "END\r\n".length();
            for (String key : keys) {
                expected += valueReplySize(false, key);
            }
            return expected;
        }

        @Override
        public byte[] refused() {
            return null;
        }
    };

    /** Half the keys carry a {...} tag, so a pool's hash_tag branch is compiled too. */
    private static String key(int n) {
        int k = n % 100_000;
        return (k & 1) == 0 ? "warmup:" + k : "warmup:{" + k % 64 + "}:" + k;
    }

    /** The value the stub keeps for {@code key}: 32 bytes, or 4 KiB for one key in 16 (large values are shared). */
    private static int valueSize(String key) {
        return Math.floorMod(key.hashCode(), 16) == 0 ? LARGE_VALUE : VALUE_SIZE;
    }

    /** One key in 8 the stub does not have, so that reads also find nothing (redis nil, no memcached VALUE). */
    private static boolean stubLacks(String key) {
        return Math.floorMod(key.hashCode(), 8) == 1;
    }

    private static byte[] resp(String... args) {
        StringBuilder b = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return ascii(b.toString());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The line before the stub's value for {@code key}: a bulk header (redis) or a VALUE line (memcached). */
    private static String valueHeader(boolean redis, String key) {
        int size = valueSize(key);
        return (redis ? "$" + size : "VALUE " + key + " 0 " + size) + "\r\n";
    }

    /**
     * The bytes of the stub's answer to a read of {@code key}: its header, the value and CRLF; for a key it
     * lacks, redis's nil or nothing (memcached).
     */
    private static int valueReplySize(boolean redis, String key) {
        if (stubLacks(key)) {
            return redis ? NIL.length() : 0;
        }
        return valueHeader(redis, key).length() + valueSize(key) + 2;
    }

    // ---- stub servers ----

    /** Starts a stub on the proxy's loops, on a loopback port of the kernel's choosing, and returns the port. */
    private static int startStub(Proxy proxy, Protocol protocol, boolean redis, Queue<Channel> channels) {
        Channel listener = new ServerBootstrap()
                .group(proxy.loops())
                .channel(proxy.transport().serverChannel)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // The proxy's allocator: with Netty's default one the stubs would teach the compilers a second
                // buffer class at every ByteBuf call the stubs share with the request path.
                .childOption(ChannelOption.ALLOCATOR, Worker.ALLOCATOR)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        MessagePool messages = new MessagePool();
                        ch.pipeline().addLast(protocol.newRequestDecoder(messages), new StubReplies(messages, redis));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
        channels.add(listener);
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * A server that answers each request it decodes at once: a value of {@link #valueSize} for every key read
     * (nil, or nothing in memcached, for the keys it lacks), OK (STORED) for anything else (SET, AUTH, SELECT).
     */
    private static final class StubReplies extends SimpleChannelInboundHandler<Message> {
        private final MessagePool messages;
        private final boolean redis;

        StubReplies(MessagePool messages, boolean redis) {
            super(false);
            this.messages = messages;
            this.redis = redis;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message request) {
            ByteBuf reply = ctx.alloc().directBuffer();
            String command = request.command() == null ? "" : request.command().commandName();
            boolean multiGet = command.equalsIgnoreCase("mget");
            boolean read = multiGet || command.equalsIgnoreCase("get");
            if (redis && multiGet) {
                reply.writeCharSequence("*" + request.keyCount() + "\r\n", StandardCharsets.US_ASCII);
            }
            for (int k = 0; read && k < request.keyCount(); k++) {
                String key = request.buf().toString(request.keyStart(k), request.keyLength(k),
                        StandardCharsets.US_ASCII);
                if (stubLacks(key)) {
                    if (redis) {
                        reply.writeCharSequence(NIL, StandardCharsets.US_ASCII);
                    }
                    continue;
                }
                reply.writeCharSequence(valueHeader(redis, key), StandardCharsets.US_ASCII);
                reply.writeBytes(VALUE, 0, valueSize(key)).writeByte('\r').writeByte('\n');
            }
            if (!read) {
                reply.writeCharSequence(redis ? "+OK\r\n" : "STORED\r\n", StandardCharsets.US_ASCII);
            } else if (!redis) {
                reply.writeCharSequence("END\r\n", StandardCharsets.US_ASCII);
            }
            messages.recycle(request);
            ctx.write(reply, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
