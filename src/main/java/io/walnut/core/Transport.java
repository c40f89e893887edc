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
import io.netty.util.concurrent.DefaultThreadFactory;

/** The socket layer: native epoll where Netty has it for this machine, Java NIO otherwise. */
public enum Transport {
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class),
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class,
            NioServerDomainSocketChannel.class, NioDomainSocketChannel.class);

    private final String displayName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> channel;
    final Class<? extends ServerChannel> serverDomainChannel;
    final Class<? extends Channel> domainChannel;

    Transport(String displayName, Class<? extends ServerChannel> serverChannel, Class<? extends Channel> channel,
              Class<? extends ServerChannel> serverDomainChannel, Class<? extends Channel> domainChannel) {
        this.displayName = displayName;
        this.serverChannel = serverChannel;
        this.channel = channel;
        this.serverDomainChannel = serverDomainChannel;
        this.domainChannel = domainChannel;
    }

    /** The best transport this machine offers. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** The event backend's name, as nutcracker prints it in its version banner. */
    public String displayName() {
        return displayName;
    }

    /** {@code threads} event loops, each a thread that owns its connections. */
    public EventLoopGroup newEventLoops(int threads) {
        IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("walnut-loop"), io);
    }
}
