package io.walnut.core;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.walnut.config.ServerSpec;
import io.walnut.proto.Protocol;
import io.walnut.proto.SliceAssembler;
import io.walnut.stats.LatencyHistogram;
import io.walnut.stats.ServerMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One connection from one event loop to one server (twemproxy's server-side {@code struct conn}). It owns two
 * queues: {@link #inQueue}, requests routed here but not yet written, and {@link #outQueue}, requests written
 * and waiting for their reply, in wire order. Replies carry no ids: the head of the out-queue is the request a
 * reply answers.
 *
 * <p>Stages: server send ({@link #sendQueued}) and server receive ({@link #replyReceived}). The object outlives
 * its socket: when the socket fails, every request on it is answered with the error, in order, and a later
 * request reconnects. A failed connect is retried only after a wait that doubles with each failure, from
 * 100 ms up to the pool's {@code server_retry_timeout}; requests meanwhile fail at once. So a dead server sees
 * no reconnect storm, and a restarted one is used again soon. With a pool {@code timeout}, one timer
 * watches the oldest request; when it is late the whole connection fails, as in twemproxy.
 *
 * <p>Confined to its event loop; the queues are plain {@link ArrayDeque}s.
 */
final class ServerConnection {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    private enum State { DISCONNECTED, CONNECTING, CONNECTED }

    static final String TIMED_OUT = "Connection timed out";
    /** twemproxy reports a server EOF with errno 0, which it prints as "unknown". */
    static final String EOF = "unknown";

    private static final int SERVER_EOF = ServerMetric.SERVER_EOF.ordinal();
    private static final int SERVER_ERR = ServerMetric.SERVER_ERR.ordinal();
    private static final int SERVER_TIMEDOUT = ServerMetric.SERVER_TIMEDOUT.ordinal();
    private static final int SERVER_CONNECTIONS = ServerMetric.SERVER_CONNECTIONS.ordinal();
    private static final int SERVER_EJECTED_AT = ServerMetric.SERVER_EJECTED_AT.ordinal();
    private static final int REQUESTS = ServerMetric.REQUESTS.ordinal();
    private static final int REQUEST_BYTES = ServerMetric.REQUEST_BYTES.ordinal();
    private static final int RESPONSES = ServerMetric.RESPONSES.ordinal();
    private static final int RESPONSE_BYTES = ServerMetric.RESPONSE_BYTES.ordinal();
    private static final int IN_QUEUE = ServerMetric.IN_QUEUE.ordinal();
    private static final int IN_QUEUE_BYTES = ServerMetric.IN_QUEUE_BYTES.ordinal();
    private static final int OUT_QUEUE = ServerMetric.OUT_QUEUE.ordinal();
    private static final int OUT_QUEUE_BYTES = ServerMetric.OUT_QUEUE_BYTES.ordinal();
    private static final long NEVER = Long.MIN_VALUE;
    private static final long FIRST_BACKOFF = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConnectionPool connections;
    private final ServerPool pool;
    private final Worker worker;
    private final Protocol protocol;
    private final ServerSpec server;
    private final long timeoutNanos;
    private final ArrayDeque<Message> inQueue = new ArrayDeque<>();
    private final ArrayDeque<Message> outQueue = new ArrayDeque<>();
    /** This loop's share of the server's stats, indexed by {@link ServerMetric} ordinal. */
    private final long[] stats;
    /** This loop's share of the server's latency: from queued here to its reply read. */
    private final LatencyHistogram latency;
    private State state = State.DISCONNECTED;
    private Channel channel;
    private ScheduledFuture<?> timer;
    /** After a failed connect: no new attempt before this time (nanoTime); requests fail at once. */
    private long connectAllowedAt = NEVER;
    /** The wait after the next failed connect: doubles from {@link #FIRST_BACKOFF} up to the retry timeout. */
    private long connectBackoff = FIRST_BACKOFF;
    private String connectError;
    /** The last failure was logged; the next success will be too. */
    private boolean down;
    boolean sendScheduled;
    boolean waitingForWindow;

    ServerConnection(ConnectionPool connections, ServerSpec server, long[] stats) {
        this.connections = connections;
        this.pool = connections.pool;
        this.worker = connections.worker;
        this.protocol = pool.protocol();
        this.server = server;
        this.stats = stats;
        this.latency = worker.serverLatency[pool.index()][server.index()];
        int timeout = pool.config().timeoutMs();
        this.timeoutNanos = timeout > 0 ? TimeUnit.MILLISECONDS.toNanos(timeout) : 0;
    }

    /** Queues a request for this server; it is written at the end of the loop iteration. */
    void enqueue(Message request) {
        long now = worker.readTime();
        request.queuedAtNanos = now;
        int bytes = request.length;
        request.wireLength = bytes;
        stats[REQUESTS]++;
        stats[REQUEST_BYTES] += bytes;
        if (state == State.DISCONNECTED && connectAllowedAt != NEVER && now - connectAllowedAt < 0) {
            failFast(request, now);
            return;
        }
        stats[IN_QUEUE]++;
        stats[IN_QUEUE_BYTES] += bytes;
        inQueue.add(request);
        if (timeoutNanos > 0 && timer == null && !request.noreply) {
            timer = worker.loop.schedule(this::checkTimeout, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (state == State.CONNECTED) {
            worker.sendLater(this);
        } else if (state == State.DISCONNECTED) {
            connect();
        }
    }

    /**
     * Server send: writes every queued request, small ones copied together into few buffers, moving each that
     * expects a reply to the out-queue; or, within the loop's batch window, waits for its end ({@link Worker}).
     */
    void sendQueued() {
        if (state != State.CONNECTED || inQueue.isEmpty() || worker.holdForWindow(this)) {
            return;
        }
        SliceAssembler out = worker.output;
        Message request;
        while ((request = inQueue.poll()) != null) {
            request.moveBytesTo(out);
            worker.wroteFragments |= request.parent != null;
            if (!request.internal) {
                stats[IN_QUEUE]--;
                stats[IN_QUEUE_BYTES] -= request.wireLength;
            }
            if (request.noreply) {
                worker.release(request);
            } else {
                if (!request.internal) {
                    stats[OUT_QUEUE]++;
                    stats[OUT_QUEUE_BYTES] += request.wireLength;
                }
                outQueue.add(request);
            }
        }
        out.writeTo(channel, Worker.ALLOCATOR);
        channel.flush();
    }

    /** Server receive: the reply answers the head of the out-queue; it becomes that request's peer. */
    private void replyReceived(Message reply) {
        Message request = outQueue.poll();
        if (request == null) {
            worker.messages.recycle(reply);
            fail("Invalid argument", "a reply with no request outstanding");
            return;
        }
        if (protocol.isServerFailure(reply)) {
            outQueue.addFirst(request);
            worker.messages.recycle(reply);
            fail("Invalid argument", "the server is out of memory, busy or loading");
            return;
        }
        pool.serverReplied(server.index());
        if (down) {
            down = false;
            log.info("pool '{}': server '{}' answers again", pool.config().name(), server.name());
        }
        if (request.internal) {
            worker.messages.recycle(reply);
            worker.messages.recycle(request);
            return;
        }
        stats[OUT_QUEUE]--;
        stats[OUT_QUEUE_BYTES] -= request.wireLength;
        latency.record(worker.readTime() - request.queuedAtNanos);
        if (!request.swallow && (request.parent == null || !request.parent.swallow)) {
            stats[RESPONSES]++;
            stats[RESPONSE_BYTES] += reply.length;
        }
        request.peer = reply;
        request.client.requestDone(request);
    }

    void connect() {
        state = State.CONNECTING;
        worker.connectionCounts.opened();
        Bootstrap b = new Bootstrap()
                .group(worker.loop)
                .channel(server.isUnix() ? worker.transport.domainChannel : worker.transport.channel)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(protocol.newReplyDecoder(worker.messages), new Handler());
                    }
                });
        b.option(ChannelOption.ALLOCATOR, Worker.ALLOCATOR);
        if (!server.isUnix()) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture f = b.connect(address());
        channel = f.channel();
        f.addListener(done -> {
            if (f.channel() != channel) {
                return;
            }
            if (done.isSuccess()) {
                connected();
            } else {
                connectError = reasonOf(done.cause());
                connectAllowedAt = System.nanoTime() + connectBackoff;
                connectBackoff = Math.min(connectBackoff * 2, Math.max(pool.retryNanos(), FIRST_BACKOFF));
                fail(connectError, "connect failed");
            }
        });
    }

    private SocketAddress address() {
        if (server.isUnix()) {
            return worker.transport.unixSocketAddress(server.unixSocket());
        }
        // Resolved at each connect, as twemproxy does, so a changed DNS name is followed on reconnect.
        return new InetSocketAddress(server.host(), server.port());
    }

    private void connected() {
        state = State.CONNECTED;
        connectAllowedAt = NEVER;
        connectBackoff = FIRST_BACKOFF;
        stats[SERVER_CONNECTIONS]++;
        List<ByteBuf> handshake = protocol.handshake();
        long now = System.nanoTime();
        for (int i = handshake.size() - 1; i >= 0; i--) {
            Message m = worker.messages.take();
            m.setBuf(handshake.get(i).duplicate());
            m.internal = true;
            m.queuedAtNanos = now;
            inQueue.addFirst(m);
        }
        sendQueued();
    }

    /** With a connect failed recently, a request fails at once, and counts as a failure of the server. */
    private void failFast(Message request, long now) {
        if (!request.noreply) {
            request.client.requestFailed(request, connectError);
        } else {
            worker.release(request);
        }
        countFailure(now);
    }

    private void checkTimeout() {
        timer = null;
        Message oldest = oldestAwaitingReply();
        if (oldest == null) {
            return;
        }
        long late = System.nanoTime() - (oldest.queuedAtNanos + timeoutNanos);
        if (late >= 0) {
            fail(TIMED_OUT, "no reply within " + pool.config().timeoutMs() + " ms");
        } else {
            timer = worker.loop.schedule(this::checkTimeout, -late, TimeUnit.NANOSECONDS);
        }
    }

    private Message oldestAwaitingReply() {
        Message head = outQueue.peek();
        if (head != null) {
            return head;
        }
        for (Message m : inQueue) {
            if (!m.noreply) {
                return m;
            }
        }
        return null;
    }

    /**
     * Closes the socket and answers every queued and in-flight request with the protocol's error for
     * {@code reason}, in order; the failure counts toward ejection. The next request reconnects.
     */
    private void fail(String reason, String why) {
        closeChannel();
        stats[metricOf(reason)]++;
        if (!down) {
            down = true;
            log.warn("pool '{}': server '{}' failed: {} ({})", pool.config().name(), server.name(), reason, why);
        }
        countFailure(System.nanoTime());
        failAll(outQueue, reason, OUT_QUEUE, OUT_QUEUE_BYTES);
        failAll(inQueue, reason, IN_QUEUE, IN_QUEUE_BYTES);
    }

    private void countFailure(long now) {
        if (pool.serverFailed(server.index(), now)) {
            connections.stats[ConnectionPool.SERVER_EJECTS]++;
            stats[SERVER_EJECTED_AT] = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        }
    }

    private void closeChannel() {
        Channel ch = channel;
        channel = null;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (state == State.CONNECTED) {
            stats[SERVER_CONNECTIONS]--;
        }
        if (state != State.DISCONNECTED) {
            worker.connectionCounts.closed();
        }
        state = State.DISCONNECTED;
        if (ch != null) {
            ch.close();
        }
    }

    private static int metricOf(String reason) {
        switch (reason) {
            case EOF:
                return SERVER_EOF;
            case TIMED_OUT:
                return SERVER_TIMEDOUT;
            default:
                return SERVER_ERR;
        }
    }

    private void failAll(ArrayDeque<Message> queue, String reason, int countMetric, int bytesMetric) {
        Message request;
        while ((request = queue.poll()) != null) {
            if (!request.internal) {
                stats[countMetric]--;
                stats[bytesMetric] -= request.wireLength;
            }
            if (request.internal || request.noreply) {
                worker.release(request);
            } else {
                request.client.requestFailed(request, reason);
            }
        }
    }

    /** Proxy shutdown: in-flight requests are answered with an error, and nothing counts as a failure. */
    void close() {
        if (state != State.DISCONNECTED) {
            closeChannel();
            failAll(outQueue, "Connection reset by peer", OUT_QUEUE, OUT_QUEUE_BYTES);
            failAll(inQueue, "Connection reset by peer", IN_QUEUE, IN_QUEUE_BYTES);
        }
    }

    /** twemproxy's error text for a socket failure: glibc's strerror of the errno it saw. */
    static String reasonOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof java.net.UnknownHostException) {
                return "Host is down";
            }
            if (m == null) {
                continue;
            }
            if (m.contains("Connection refused")) {
                return "Connection refused";
            }
            if (m.contains("Connection reset")) {
                return "Connection reset by peer";
            }
            if (m.contains("Broken pipe")) {
                return "Broken pipe";
            }
            if (m.contains("timed out")) {
                return TIMED_OUT;
            }
            if (m.contains("No such file")) {
                return "No such file or directory";
            }
        }
        return "Invalid argument";
    }

    /** The pipeline's end for one socket; events from an older socket of this connection are ignored. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (ctx.channel() == channel) {
                replyReceived((Message) msg);
            } else {
                worker.messages.recycle((Message) msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            worker.readDone();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                fail(EOF, "the server closed the connection");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                fail(cause instanceof DecoderException ? "Invalid argument" : reasonOf(cause),
                        String.valueOf(cause.getMessage()));
            }
        }
    }
}
