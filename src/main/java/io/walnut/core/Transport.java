package io.walnut.core;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The socket layer: native epoll where Netty has it for this machine, else Java NIO; io_uring when asked for
 * ({@code --transport io_uring}). Each has its own default batch window ({@code --batch-window-us}): long enough
 * for a busy loop's writes to a server to gather about as many requests as nutcracker's do (5-7 without
 * pipelining), short against the 0.5-1 ms a request takes under such load. io_uring needs the longer one: its
 * loop also wakes for every completed write, so with epoll's 60 µs its server writes gathered a third fewer
 * requests and it lost 6-13 % without pipelining. It is not the default: with 120 µs it matched or beat epoll
 * in throughput but raised p99 without pipelining (docs/performance.md, item 12).
 */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class,
            EpollIoHandler::newFactory, Epoll::unavailabilityCause, 60),
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class,
            IoUringIoHandler::newFactory, IoUring::unavailabilityCause, 120),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class,
            NioServerDomainSocketChannel.class, NioDomainSocketChannel.class,
            NioIoHandler::newFactory, () -> null, 60);

    private final String displayName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> channel;
    final Class<? extends ServerChannel> serverDomainChannel;
    final Class<? extends Channel> domainChannel;
    private final Supplier<IoHandlerFactory> ioHandlers;
    private final Supplier<Throwable> unavailabilityCause;
    private final int defaultBatchWindowMicros;

    Transport(String displayName, Class<? extends ServerChannel> serverChannel, Class<? extends Channel> channel,
              Class<? extends ServerChannel> serverDomainChannel, Class<? extends Channel> domainChannel,
              Supplier<IoHandlerFactory> ioHandlers, Supplier<Throwable> unavailabilityCause,
              int defaultBatchWindowMicros) {
        this.displayName = displayName;
        this.serverChannel = serverChannel;
        this.channel = channel;
        this.serverDomainChannel = serverDomainChannel;
        this.domainChannel = domainChannel;
        this.ioHandlers = ioHandlers;
        this.unavailabilityCause = unavailabilityCause;
        this.defaultBatchWindowMicros = defaultBatchWindowMicros;
    }

    /** The default transport on this machine: epoll when its native library loads, else NIO. */
    public static Transport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /**
     * The transport called {@code name} ({@link #displayName()}), which this machine can run.
     *
     * @throws IllegalArgumentException naming the choices, or why this machine cannot run it
     */
    public static Transport available(String name) {
        Transport named = Arrays.stream(values()).filter(t -> t.displayName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not one of "
                        + Arrays.stream(values()).map(Transport::displayName).collect(Collectors.joining(", "))));
        Throwable cause = named.unavailabilityCause();
        if (cause != null) {
            throw new IllegalArgumentException("'" + name + "' is not available on this machine: " + cause);
        }
        return named;
    }

    /** The event backend's name, as nutcracker prints it in its version banner. */
    public String displayName() {
        return displayName;
    }

    /** Whether this machine can run it: the native library loads and the kernel allows its system calls. */
    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Server send's batch window on a busy loop when {@code --batch-window-us} does not set it. */
    public int defaultBatchWindowMicros() {
        return defaultBatchWindowMicros;
    }

    /** Why it cannot run here, or null if it can. */
    public Throwable unavailabilityCause() {
        return unavailabilityCause.get();
    }

    /** The unix socket at {@code path}, as this transport's domain socket channels take it. */
    SocketAddress unixSocketAddress(Path path) {
        return this == NIO ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path.toString());
    }

    /** {@code threads} event loops, each a thread that owns its connections. */
    public EventLoopGroup newEventLoops(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("walnut-loop"), ioHandlers.get());
    }
}
