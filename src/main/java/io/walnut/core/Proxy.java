package io.walnut.core;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.walnut.config.ListenAddress;
import io.walnut.config.PoolConfig;
import io.walnut.config.ProxyConfig;
import io.walnut.proto.Protocol;
import io.walnut.stats.StatsSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The proxy's event loops, one {@link Worker} each, and a listener per pool. A client stays on the loop that
 * accepted it; that loop owns every server connection the client's requests use.
 */
public final class Proxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Proxy.class);
    private final Transport transport;
    private final EventLoopGroup loops;
    /** False for a proxy on loops borrowed from another, which outlive it. */
    private final boolean ownsLoops;
    private final List<ServerPool> pools;
    private final Map<EventExecutor, Worker> workers = new IdentityHashMap<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final ConnectionCounts connectionCounts = new ConnectionCounts();
    private final WriteBatching batching;

    /**
     * @param transport the socket layer, {@link Transport#isAvailable() available} on this machine
     * @param batching how long writes may wait to leave together ({@link Worker})
     * @param protocolOf makes each pool's protocol from its config and the mbuf size
     */
    public Proxy(ProxyConfig config, Transport transport, int threads, WriteBatching batching, int mbufSize,
                 BiFunction<PoolConfig, Integer, Protocol> protocolOf) {
        this(transport, threads, batching, poolsOf(config, mbufSize, protocolOf));
    }

    /** The pools are made first: nothing of them can fail once the event loops' threads exist. */
    private Proxy(Transport transport, int threads, WriteBatching batching, List<ServerPool> pools) {
        this(transport, transport.newEventLoops(threads), true, batching, Worker.BATCHING_MIN_CLIENTS, pools);
    }

    /**
     * A proxy of {@code pools} on the event loops of {@code owner}, with its write batching, whose window applies
     * from {@code batchingMinClients} clients sending on a loop, and stats and connection counts its own.
     */
    Proxy(Proxy owner, List<ServerPool> pools, int batchingMinClients) {
        this(owner.transport, owner.loops, false, owner.batching, batchingMinClients, pools);
    }

    private Proxy(Transport transport, EventLoopGroup loops, boolean ownsLoops, WriteBatching batching,
                  int batchingMinClients, List<ServerPool> pools) {
        this.transport = transport;
        this.loops = loops;
        this.ownsLoops = ownsLoops;
        this.batching = batching;
        this.pools = pools;
        for (EventExecutor e : loops) {
            workers.put(e, new Worker((EventLoop) e, transport, pools, connectionCounts, batching,
                    batchingMinClients));
        }
    }

    private static List<ServerPool> poolsOf(ProxyConfig config, int mbufSize,
                                            BiFunction<PoolConfig, Integer, Protocol> protocolOf) {
        List<ServerPool> pools = new ArrayList<>();
        for (PoolConfig p : config.pools()) {
            pools.add(new ServerPool(pools.size(), p, protocolOf.apply(p, mbufSize)));
        }
        return pools;
    }

    /**
     * Compiles the request path before {@link #start}: see {@link JitWarmUp}. Runs on this proxy's event loops,
     * so that no loop is shut down afterwards (a shutdown would take branches the compiled loop never saw and
     * send it back to the interpreter).
     */
    public void warmUp(long limitMillis) {
        JitWarmUp.run(this, limitMillis);
    }

    List<ServerPool> pools() {
        return pools;
    }

    EventLoopGroup loops() {
        return loops;
    }

    /** Where each pool listens once {@link #start started}, in pool order: a port given as 0 is the one bound. */
    List<SocketAddress> listenerAddresses() {
        return listeners.stream().map(Channel::localAddress).toList();
    }

    /**
     * Binds every pool's listener and, for pools with {@code preconnect}, connects to the servers an earlier
     * {@link #preconnect} has not (the start of the real pools connects before the JIT warm-up).
     */
    public void start() throws IOException, InterruptedException {
        for (ServerPool pool : pools) {
            listeners.add(listen(pool));
            connectionCounts.opened();
        }
        preconnect();
    }

    /** For pools with {@code preconnect}, one connection from every event loop to each server not yet connected. */
    public void preconnect() {
        for (ServerPool pool : pools) {
            if (pool.config().preconnect()) {
                for (Worker w : workers.values()) {
                    w.loop.execute(() -> w.connections(pool).preconnect());
                }
            }
        }
    }

    private Channel listen(ServerPool pool) throws IOException, InterruptedException {
        PoolConfig config = pool.config();
        ListenAddress address = config.listen();
        ServerBootstrap b = new ServerBootstrap()
                .group(loops)
                .channel(address.isUnix() ? transport.serverDomainChannel : transport.serverChannel)
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.ALLOCATOR, Worker.ALLOCATOR)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Worker worker = workers.get(ch.eventLoop());
                        ch.pipeline().addLast(pool.protocol().newRequestDecoder(worker.messages),
                                new ClientConnection(worker, pool));
                    }
                });
        if (!address.isUnix()) {
            b.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, config.tcpKeepalive());
            Channel ch = b.bind(address.tcp()).sync().channel();
            log.atLevel(listenLogLevel()).log("pool '{}' listening on {}", config.name(), address.text());
            return ch;
        }
        Path path = address.unixSocket();
        Files.deleteIfExists(path);
        Channel ch = b.bind(transport.unixSocketAddress(path)).sync().channel();
        if (address.permissions() != 0) {
            Files.setPosixFilePermissions(path, permissions(address.permissions()));
        }
        log.atLevel(listenLogLevel()).log("pool '{}' listening on unix socket {}", config.name(), path);
        return ch;
    }

    /** A warm-up's throwaway pools are not worth the operator's attention. */
    private Level listenLogLevel() {
        return ownsLoops ? Level.INFO : Level.DEBUG;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }

    /**
     * Every pool's and server's stats now, summed over the event loops; each loop adds its own share on its
     * own thread, so the request path never synchronizes for stats.
     */
    public StatsSnapshot snapshot() {
        int[] servers = pools.stream().mapToInt(p -> p.config().servers().size()).toArray();
        StatsSnapshot sum = StatsSnapshot.zero(servers);
        for (Worker w : workers.values()) {
            w.loop.submit(() -> w.addStatsTo(sum)).syncUninterruptibly();
        }
        return sum;
    }

    public long totalConnections() {
        return connectionCounts.total();
    }

    public long currentConnections() {
        return connectionCounts.current();
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        for (Channel l : listeners) {
            l.close().awaitUninterruptibly();
        }
        for (Worker w : workers.values()) {
            w.loop.submit(w::closeAll).awaitUninterruptibly();
        }
        if (ownsLoops) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
