package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.walnut.config.PoolConfig;
import io.walnut.core.ClientConnection;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.Protocol;
import io.walnut.proto.ReplyDecoder;
import io.walnut.proto.RequestDecoder;

import java.util.List;

/**
 * The memcached ASCII protocol for one pool: its decoders, the replies the proxy makes itself (quit, errors),
 * and fragment/merge of multi-key get and gets. memcached servers need no handshake, and none of their replies
 * counts as a server failure. Immutable; shared by all event loops.
 */
public final class MemcacheProtocol implements Protocol {

    /**
     * @param pool     the pool's configuration (memcached pools have no per-pool protocol options)
     * @param mbufSize not used: memcached's limits (250-byte keys) don't depend on twemproxy's mbuf size
     */
    public MemcacheProtocol(PoolConfig pool, int mbufSize) {
        // Same signature as RedisProtocol, so both are made by one factory.
    }

    @Override
    public RequestDecoder newRequestDecoder(MessagePool messages) {
        return new MemcacheRequestDecoder(messages);
    }

    @Override
    public ReplyDecoder newReplyDecoder(MessagePool messages) {
        return new MemcacheReplyDecoder(messages);
    }

    @Override
    public ByteBuf errorReply(String reason) {
        return MemcacheReplies.serverError(reason);
    }

    @Override
    public ByteBuf localReply(Message request, ClientConnection client) {
        // memcached closes on quit without a word; the core closes once earlier replies are written.
        return request.command() == MemcacheCommand.QUIT ? Unpooled.EMPTY_BUFFER : null;
    }

    @Override
    public List<ByteBuf> handshake() {
        return List.of();
    }

    @Override
    public ByteBuf fragment(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        return MemcacheFragmenter.fragment(alloc, parent, keyIndexes, from, count);
    }

    @Override
    public ByteBuf merge(ByteBufAllocator alloc, Message parent) {
        return MemcacheMerger.merge(alloc, parent);
    }

    @Override
    public boolean isServerFailure(Message reply) {
        return false;
    }
}
