package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.util.List;

/**
 * What request and reply decoders share: messages come from the event loop's {@link MessagePool}, and each holds
 * a reference to the buffer it was read from, handed out by a {@link ReferenceBatch} that gives back what it did
 * not hand out once a read is decoded. One instance per connection, on its event loop.
 */
public abstract class MessageDecoder extends ByteToMessageDecoder {
    protected final MessagePool messages;
    private final ReferenceBatch references = new ReferenceBatch();

    protected MessageDecoder(MessagePool messages) {
        this.messages = messages;
    }

    /** Gives {@code m} the next {@code length} readable bytes of {@code in}, reading past them. */
    protected final void takeBytes(Message m, ByteBuf in, int length) {
        m.takeBytes(in, length, references);
    }

    @Override
    protected final void callDecode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            super.callDecode(ctx, in, out);
        } finally {
            references.settle();
        }
    }

    /** Subclasses recycle the message they were reading, then call this. */
    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        references.settle();
    }
}
