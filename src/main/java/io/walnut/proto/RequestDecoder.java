package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.util.List;

/**
 * Client receive, bytes half: what every protocol's request decoder shares. Requests are taken from the event
 * loop's {@link MessagePool}; one still being read when the handler goes is recycled. When the stream can't be
 * followed, the decoder answers in the request's turn, the connection closes after the answer
 * ({@link #rejectAndClose}), and input that comes meanwhile is dropped unread ({@link #discardInput}).
 * One instance per client connection, on its event loop.
 */
public abstract class RequestDecoder extends MessageDecoder {
    /**
     * The request being read across calls, taken from {@link #messages} (memcached's only while its data block
     * is awaited); null otherwise.
     */
    protected Message request;
    /** All input from now on is dropped without being buffered or decoded. */
    private boolean discarding;

    protected RequestDecoder(MessagePool messages) {
        super(messages);
    }

    /**
     * Emits the request being read (or, between requests, a new one) as rejected with {@code reply}, the
     * connection to close once it is written, and drops all that follows: the rest of {@code in} and what
     * arrives later.
     */
    protected final void rejectAndClose(ByteBuf in, List<Object> out, ByteBuf reply) {
        Message m = request != null ? request : messages.take();
        request = null;
        m.setNoreply(false);
        m.reject(reply, true);
        out.add(m);
        discardInput();
        in.skipBytes(in.readableBytes());
    }

    /**
     * Drops all input from now on, unread. The connection is closing once the replies it is owed are written;
     * a read already under way (io_uring submits reads ahead) may still deliver bytes, which must not be
     * buffered: after a request too large for the proxy's memory, buffering them would fail again.
     */
    public final void discardInput() {
        discarding = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (request != null) {
            messages.recycle(request);
            request = null;
        }
        super.handlerRemoved0(ctx);
    }
}
