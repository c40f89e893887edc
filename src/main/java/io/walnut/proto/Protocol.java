package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walnut.core.ClientConnection;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.util.List;

/**
 * What the core needs from a wire protocol: decoders that turn bytes into {@link Message}s, and the
 * protocol-specific replies, fragments and merges. One instance per pool, immutable, shared by all event loops.
 */
public interface Protocol {

    /** A new decoder for one client connection's requests. */
    RequestDecoder newRequestDecoder(MessagePool messages);

    /** A new decoder for one server connection's replies. */
    ReplyDecoder newReplyDecoder(MessagePool messages);

    /** The reply the proxy sends for a failure it caused or saw, e.g. {@code -ERR Connection refused\r\n}. */
    ByteBuf errorReply(String reason);

    /**
     * For a request routed {@link Command.Route#LOCAL}, or any request while the client must authenticate:
     * the reply the proxy gives itself, or null to forward the request. May update the client's state.
     */
    ByteBuf localReply(Message request, ClientConnection client);

    /** Requests sent first on every new server connection and whose replies are dropped (AUTH, SELECT). */
    List<ByteBuf> handshake();

    /**
     * A fragment request holding the keys {@code keyIndexes[from .. from+count)} of {@code parent}
     * (indexes into the parent's key spans), in that order. The result holds retained slices of the parent.
     */
    ByteBuf fragment(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count);

    /**
     * The parent's reply built from its fragments' replies (each fragment's {@link Message#peer()}), all present
     * and none failed; or the protocol's error when a fragment's reply can't be merged.
     */
    ByteBuf merge(ByteBufAllocator alloc, Message parent);

    /**
     * For {@link Command.Route#GATHER}, phase one: a request to one server reading the keys
     * {@code keyIndexes[from .. from+count)} of {@code parent} so they can be copied elsewhere.
     */
    default ByteBuf gather(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        throw new UnsupportedOperationException("no gathered commands in this protocol");
    }

    /**
     * For {@link Command.Route#GATHER}, phase two: the request for the first key's server that copies in the
     * keys read in phase one (each fragment's {@link Message#peer()}), runs the command there and cleans up.
     * {@code keyFragment[i]} is the phase-one fragment that read key {@code i}, or -1 for a key already there.
     */
    default ByteBuf gathered(ByteBufAllocator alloc, Message parent, int[] keyFragment) {
        throw new UnsupportedOperationException("no gathered commands in this protocol");
    }

    /** True for a server reply twemproxy treats as a server failure (redis -OOM, -BUSY, -LOADING). */
    boolean isServerFailure(Message reply);
}
