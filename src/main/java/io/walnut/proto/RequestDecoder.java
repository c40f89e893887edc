package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.util.List;

/**
 * Client receive, bytes half: what every protocol's request decoder shares. Requests are taken from the event
 * loop's {@link MessagePool}; one still being read when the handler goes is recycled. When the stream can't be
 * followed, the decoder answers in the request's turn and the connection closes after the answer
 * ({@link #rejectAndClose}). One instance per client connection, on its event loop.
 */
public abstract class RequestDecoder extends ByteToMessageDecoder {
    protected final MessagePool messages;
    /**
     * The request being read across calls, taken from {@link #messages} (memcached's only while its data block
     * is awaited); null otherwise.
     */
    protected Message request;

    protected RequestDecoder(MessagePool messages) {
        this.messages = messages;
    }

    /**
     * Emits the request being read (or, between requests, a new one) as rejected with {@code reply}, the
     * connection to close once it is written. The caller then discards all that follows.
     */
    protected final void rejectAndClose(List<Object> out, ByteBuf reply) {
        Message m = request != null ? request : messages.take();
        request = null;
        m.setNoreply(false);
        m.reject(reply, true);
        out.add(m);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (request != null) {
            messages.recycle(request);
            request = null;
        }
    }
}
