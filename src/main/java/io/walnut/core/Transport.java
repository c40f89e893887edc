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

/**
 * The socket layer: native epoll where Netty has it for this machine, Java NIO otherwise; io_uring when asked
 * for ({@code --transport io_uring}). io_uring is not the default: on 2 shared cores it gave 4-11 % more
 * requests at pipeline 16 but 6-13 % fewer without pipelining (docs/performance.md).
 */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class,
            EpollIoHandler::newFactory, Epoll::unavailabilityCause),
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class,
            IoUringIoHandler::newFactory, IoUring::unavailabilityCause),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class,
            NioServerDomainSocketChannel.class, NioDomainSocketChannel.class,
            NioIoHandler::newFactory, () -> null);

    private final String displayName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> channel;
    final Class<? extends ServerChannel> serverDomainChannel;
    final Class<? extends Channel> domainChannel;
    private final Supplier<IoHandlerFactory> ioHandlers;
    private final Supplier<Throwable> unavailabilityCause;

    Transport(String displayName, Class<? extends ServerChannel> serverChannel, Class<? extends Channel> channel,
              Class<? extends ServerChannel> serverDomainChannel, Class<? extends Channel> domainChannel,
              Supplier<IoHandlerFactory> ioHandlers, Supplier<Throwable> unavailabilityCause) {
        this.displayName = displayName;
        this.serverChannel = serverChannel;
        this.channel = channel;
        this.serverDomainChannel = serverDomainChannel;
        this.domainChannel = domainChannel;
        this.ioHandlers = ioHandlers;
        this.unavailabilityCause = unavailabilityCause;
    }

    /** The default transport on this machine: epoll when its native library loads, else NIO. */
    public static Transport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /** The transport called {@code name} ({@link #displayName()}), or null if there is none. */
    public static Transport named(String name) {
        return Arrays.stream(values()).filter(t -> t.displayName.equals(name)).findFirst().orElse(null);
    }

    /** The event backend's name, as nutcracker prints it in its version banner. */
    public String displayName() {
        return displayName;
    }

    /** Whether this machine can run it: the native library loads and the kernel allows its system calls. */
    public boolean isAvailable() {
        return unavailabilityCause() == null;
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
