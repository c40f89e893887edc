package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.util.List;

/**
 * Server receive, bytes half: what every protocol's reply decoder shares. A reply that breaks the protocol
 * throws {@link ProtocolException} once; the server connection is then out of step for good, so all that
 * follows is dropped unparsed while it closes. A reply still being read when the handler goes is recycled.
 * One instance per server connection, on its event loop.
 */
public abstract class ReplyDecoder extends MessageDecoder {
    /** The reply being read, taken from {@link #messages}; null between replies. */
    protected Message reply;
    /** Next byte to parse, relative to the reader index (the start of the reply); its length once it is whole. */
    protected int pos;
    /** Where the search for the current line's end resumes, relative to the reader index: a line is scanned once. */
    protected int lineScan;
    private boolean broken;

    protected ReplyDecoder(MessagePool messages) {
        super(messages);
    }

    /**
     * Reads on in the current reply from {@link #pos}; true once it is whole, {@link #pos} then being its length.
     * False while more bytes are needed: the decoder's state keeps its place, and the next call resumes there.
     */
    protected abstract boolean readReply(ByteBuf in);

    /** A new reply starts at the reader index; {@link #reply} is fresh and {@link #pos} is 0. */
    protected void replyStarted(ByteBuf in) {
    }

    /** Decodes as many whole replies as {@code in} holds, keeping its place in a partial one. */
    private void decodeReplies(ByteBuf in, List<Object> out) {
        for (;;) {
            if (reply == null) {
                if (!in.isReadable()) {
                    return;
                }
                reply = messages.take();
                pos = 0;
                lineScan = 0;
                replyStarted(in);
            }
            if (!readReply(in)) {
                return;
            }
            Message whole = reply;
            reply = null;
            takeBytes(whole, in, pos);
            out.add(whole);
        }
    }

    /**
     * Relative index of the CR ending the line that starts at relative {@code pos}, or -1 while the line is
     * incomplete. Throws when the line is longer than {@code maxLine} or its LF has no CR before it.
     */
    protected final int findLineEnd(ByteBuf in, int pos, int maxLine) {
        int base = in.readerIndex();
        int lf = in.indexOf(base + lineScan, base + in.readableBytes(), (byte) '\n');
        if (lf < 0) {
            lineScan = in.readableBytes();
            if (lineScan - pos > maxLine) {
                throw new ProtocolException("reply line longer than " + maxLine + " bytes");
            }
            return -1;
        }
        if (lf - base - 1 < pos || in.getByte(lf - 1) != '\r') {
            throw new ProtocolException("reply line does not end in CRLF");
        }
        return lf - base - 1;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (broken) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            decodeReplies(in, out);
        } catch (ProtocolException e) {
            broken = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    @Override
    protected final void handlerRemoved0(ChannelHandlerContext ctx) {
        if (reply != null) {
            messages.recycle(reply);
            reply = null;
        }
        super.handlerRemoved0(ctx);
    }
}
