package io.walnut.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.walnut.dist.Placement;
import io.walnut.proto.Command.Route;
import io.walnut.proto.Protocol;
import io.walnut.proto.RequestDecoder;
import io.walnut.proto.SliceAssembler;
import io.walnut.stats.PoolMetric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One client connection (twemproxy's client-side {@code struct conn}). Its {@link #outQueue} holds the client's
 * requests in arrival order; a request leaves it only when it is done and every request before it has been
 * answered, so replies go back strictly in request order whatever order the servers answer in.
 *
 * <p>Stages: client receive ({@link #requestReceived}: answer locally, route to a server, or split into
 * fragments) and client send ({@link #writeDoneReplies}). Backpressure: reading stops while too many requests
 * are outstanding or the client does not read its replies, and resumes below a low mark.
 *
 * <p>Confined to the event loop of its channel, which also owns every server connection its requests use.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
    /** Outstanding requests at which reading stops, and at which it resumes. */
    static final int PAUSE_AT = 4096;
    static final int RESUME_AT = 1024;
    /** Bytes held for outstanding requests and their unsent replies at which reading stops, and resumes. */
    static final long PAUSE_AT_BYTES = 16L << 20;
    static final long RESUME_AT_BYTES = 4L << 20;
    /** Ready replies of this many bytes leave without waiting for the rest of their read. */
    static final int HOLD_REPLIES_BELOW = 16 << 10;
    private static final int CLIENT_EOF = PoolMetric.CLIENT_EOF.ordinal();
    private static final int CLIENT_ERR = PoolMetric.CLIENT_ERR.ordinal();
    private static final int CLIENT_CONNECTIONS = PoolMetric.CLIENT_CONNECTIONS.ordinal();
    private static final int FORWARD_ERROR = PoolMetric.FORWARD_ERROR.ordinal();

    private final Worker worker;
    private final ServerPool pool;
    private final ConnectionPool connections;
    private final Protocol protocol;
    private final ArrayDeque<Message> outQueue = new ArrayDeque<>();
    private Channel channel;
    private boolean admitted;
    private boolean authenticated;
    /** No more requests are read: QUIT, a broken stream, or the client's half-close. */
    private boolean draining;
    private boolean closeWhenFlushed;
    private boolean paused;
    /** Bytes of this client's requests in the out-queue, and of their replies not yet written. */
    private long heldBytes;
    /** The client ended the conversation (EOF or QUIT) rather than an error ending it. */
    private boolean endedByClient;
    boolean flushScheduled;
    /** In the worker's list of clients holding ready replies ({@link Worker#holdReplies}). */
    boolean repliesHeld;
    /** The last activity period ({@link Worker#clientActive}) in which this client sent a request. */
    long activityPeriod = Long.MIN_VALUE;

    ClientConnection(Worker worker, ServerPool pool) {
        this.worker = worker;
        this.pool = pool;
        this.connections = worker.connections(pool);
        this.protocol = pool.protocol();
    }

    /** Whether this client has authenticated (redis {@code AUTH} against {@code redis_auth}). */
    public boolean authenticated() {
        return authenticated;
    }

    public void setAuthenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (!pool.admitClient()) {
            draining = true;
            channel.writeAndFlush(protocol.errorReply("max number of clients reached"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        admitted = true;
        connections.stats[CLIENT_CONNECTIONS]++;
        worker.connectionCounts.opened();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        requestReceived((Message) msg);
    }

    /** Client receive: the request joins the out-queue, then is answered here or routed to its server(s). */
    void requestReceived(Message request) {
        if (draining) {
            worker.release(request);
            return;
        }
        request.client = this;
        long now = worker.readTime();
        request.receivedAtNanos = now;
        worker.clientActive(this, now);
        boolean rejected = request.rejection != null;
        boolean quit = request.command != null && request.command.route() == Route.QUIT;
        // Read before answering: a request answered at once is recycled at once.
        boolean closeAfter = request.closeAfter || !rejected && quit;
        if (!request.noreply || rejected) {
            outQueue.add(request);
            if (request.hasBytes()) {
                hold(request, request.length);
            }
        }
        if (rejected) {
            ByteBuf reply = request.rejection;
            request.rejection = null;
            answer(request, reply);
        } else {
            request.closeAfter = closeAfter;
            ByteBuf local = protocol.localReply(request, this);
            if (local != null) {
                answer(request, local);
            } else {
                route(request, pool.placement(now));
            }
        }
        if (closeAfter) {
            draining = true;
            endedByClient = quit;
        }
        updateReading();
    }

    private void route(Message request, Placement placement) {
        if (placement.liveCount() == 0) {
            // Every server is ejected and none is due back yet: twemproxy refuses the request.
            requestFailed(request, "Connection refused");
            return;
        }
        switch (request.command.route()) {
            case KEY:
                forward(request, request.serverOfKey(placement, 0));
                break;
            case PLACEHOLDER:
                forward(request, placement.serverIndex(ServerPool.PLACEHOLDER_KEY));
                break;
            case FRAGMENT:
                connections.fragmenter.split(request, placement);
                break;
            case GATHER:
                connections.fragmenter.gather(request, placement);
                break;
            default:
                throw new IllegalStateException("no route for " + request.command);
        }
    }

    private void forward(Message request, int serverIndex) {
        request.serverIndex = serverIndex;
        connections.connectionFor(serverIndex).enqueue(request);
    }

    private void answer(Message request, ByteBuf reply) {
        request.peer = worker.messages.take();
        request.peer.setBuf(reply);
        request.done = true;
        worker.flushLater(this);
    }

    /** A request (or fragment) got its reply, now its peer. */
    void requestDone(Message request) {
        Message parent = request.parent;
        if (parent != null) {
            if (++parent.fragmentsDone < parent.fragmentCount) {
                return;
            }
            request = parent;
            if (!request.swallow) {
                if (startsPhaseTwo(request)) {
                    return;
                }
                request.peer = mergedReply(request);
            }
        }
        request.done = true;
        if (request.swallow) {
            worker.release(request);
        } else {
            connections.latency.record(worker.readTime() - request.receivedAtNanos);
            hold(request, request.peer.length);
            worker.flushLater(this);
        }
    }

    /** A request (or fragment) could not be served: its reply is the protocol's error for {@code reason}. */
    void requestFailed(Message request, String reason) {
        request.peer = worker.messages.take();
        request.peer.setBuf(protocol.errorReply(reason));
        request.failed = true;
        // Counted as twemproxy does, when an error is written: not for a client that has gone.
        if (request.parent == null && !request.swallow) {
            connections.stats[FORWARD_ERROR]++;
        }
        requestDone(request);
    }

    /** A gathered request whose phase one just succeeded moves on to phase two. */
    private boolean startsPhaseTwo(Message parent) {
        if (parent.command.route() != Route.GATHER || parent.gathered || anyFailed(parent)) {
            return false;
        }
        if (connections.fragmenter.gathered(parent)) {
            return true;
        }
        requestFailed(parent, "Invalid argument");
        return true;
    }

    private static boolean anyFailed(Message parent) {
        for (int f = 0; f < parent.fragmentCount; f++) {
            if (parent.fragments[f].failed) {
                return true;
            }
        }
        return false;
    }

    private Message mergedReply(Message parent) {
        Message reply = worker.messages.take();
        for (int f = 0; f < parent.fragmentCount; f++) {
            Message fragment = parent.fragments[f];
            if (fragment.failed) {
                // twemproxy answers a multi-key request with the error of its first failed fragment.
                parent.failed = true;
                connections.stats[FORWARD_ERROR]++;
                reply.shareBytes(fragment.peer);
                return reply;
            }
        }
        // A gathered request's reply is its phase two's, as the server gave it.
        if (parent.gathered) {
            reply.shareBytes(parent.fragments[0].peer);
        } else {
            reply.setBuf(protocol.merge(Worker.ALLOCATOR, parent));
        }
        return reply;
    }

    /**
     * Client send, once per loop iteration with replies done: writes the replies at the head of the out-queue
     * that are done, in order, small ones copied together into few buffers, then flushes. Unless
     * {@code mayHold} is false, a few ready replies wait for the rest of their read ({@link #waitsForRestOfRead}).
     */
    void writeDoneReplies(boolean mayHold) {
        if (channel == null || !channel.isActive()) {
            return;
        }
        if (mayHold && worker.replyHoldNanos != 0 && waitsForRestOfRead()) {
            worker.holdReplies(this);
            return;
        }
        SliceAssembler out = worker.output;
        Message request;
        while ((request = outQueue.peek()) != null && request.done) {
            outQueue.poll();
            request.peer.moveBytesTo(out);
            heldBytes -= request.heldBytes;
            boolean close = request.closeAfter;
            worker.release(request);
            if (close) {
                closeWhenFlushed = true;
                break;
            }
        }
        if (draining && outQueue.isEmpty()) {
            closeWhenFlushed = true;
        }
        out.writeTo(channel, Worker.ALLOCATOR);
        if (closeWhenFlushed) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.flush();
            updateReading();
        }
    }

    /**
     * Whether the ready replies at the head of the out-queue, under {@link #HOLD_REPLIES_BELOW} bytes, are
     * followed by an unanswered request that came in the same read (requests of one read share their
     * {@code receivedAtNanos}, {@link Worker#readTime}). Its reply, when it comes, writes them all at once.
     */
    private boolean waitsForRestOfRead() {
        long bytes = 0;
        Message lastReady = null;
        for (Message request : outQueue) {
            if (!request.done) {
                return lastReady != null && request.receivedAtNanos == lastReady.receivedAtNanos;
            }
            bytes += request.peer.length;
            if (bytes >= HOLD_REPLIES_BELOW || request.closeAfter) {
                return false;
            }
            lastReady = request;
        }
        return false;
    }

    private void hold(Message request, long bytes) {
        request.heldBytes += bytes;
        heldBytes += bytes;
    }

    /**
     * Stops reading while the client has too many requests outstanding, holds too many bytes for them (large
     * values in flight, or replies waiting behind a slow one), or does not read its replies.
     */
    private void updateReading() {
        if (draining) {
            return;
        }
        boolean overloaded = outQueue.size() >= PAUSE_AT || heldBytes >= PAUSE_AT_BYTES || !channel.isWritable();
        if (overloaded && !paused) {
            paused = true;
            channel.config().setAutoRead(false);
        } else if (paused && outQueue.size() <= RESUME_AT && heldBytes <= RESUME_AT_BYTES
                && channel.isWritable()) {
            paused = false;
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        worker.readDone();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            // Half-close: the client sent all it will; answer what it sent, then close (as twemproxy does).
            draining = true;
            endedByClient = true;
            if (outQueue.isEmpty()) {
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        draining = true;
        Message request;
        while ((request = outQueue.poll()) != null) {
            if (request.done) {
                worker.release(request);
            } else {
                // Still at a server: its reply must be read and dropped to keep that connection in step.
                request.swallow = true;
            }
        }
        if (admitted) {
            pool.clientClosed();
            connections.stats[CLIENT_CONNECTIONS]--;
            connections.stats[endedByClient ? CLIENT_EOF : CLIENT_ERR]++;
            worker.connectionCounts.closed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (isOutOfMemory(cause) && !draining) {
            // A request too large for the memory the proxy may use: say so after the replies already owed,
            // then close; the proxy and its other clients go on.
            log.warn("client {}: request too large for the proxy's memory ({}); closing it",
                    ctx.channel().remoteAddress(), cause.getMessage());
            ctx.channel().config().setAutoRead(false);
            ctx.pipeline().get(RequestDecoder.class).discardInput();
            Message tooLarge = worker.messages.take();
            tooLarge.reject(protocol.errorReply("request too large for the proxy's memory"), true);
            requestReceived(tooLarge);
            return;
        }
        log.debug("client {} error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private static boolean isOutOfMemory(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }
}
