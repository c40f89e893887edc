package io.walnut.proto.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.walnut.config.PoolConfig;
import io.walnut.core.ClientConnection;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.Protocol;
import io.walnut.proto.ReplyDecoder;
import io.walnut.proto.RequestDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis protocol for one pool: RESP decoders, the replies the proxy makes itself (PING, AUTH, QUIT, errors),
 * the AUTH/SELECT handshake of server connections, and fragment/merge of multi-key commands.
 */
public final class RedisProtocol implements Protocol {
    /** twemproxy keeps a 48-byte header in each mbuf; a key must fit in the rest. */
    private static final int MBUF_HEADER = 48;

    private final byte[] password;
    private final List<ByteBuf> handshake;
    private final int maxKeyLength;

    public RedisProtocol(PoolConfig pool, int mbufSize) {
        this.password = pool.redisAuth() == null ? null : pool.redisAuth().getBytes(StandardCharsets.UTF_8);
        this.maxKeyLength = mbufSize - MBUF_HEADER;
        List<ByteBuf> first = new ArrayList<>();
        // AUTH before SELECT: twemproxy can send SELECT first, which a password-protected server refuses (#491).
        if (password != null) {
            first.add(RedisFragmenter.request("AUTH", pool.redisAuth()));
        }
        if (pool.redisDb() > 0) {
            first.add(RedisFragmenter.request("SELECT", Integer.toString(pool.redisDb())));
        }
        this.handshake = List.copyOf(first);
    }

    @Override
    public RequestDecoder newRequestDecoder(MessagePool messages) {
        return new RedisRequestDecoder(messages, maxKeyLength);
    }

    @Override
    public ReplyDecoder newReplyDecoder(MessagePool messages) {
        return new RedisReplyDecoder(messages);
    }

    @Override
    public ByteBuf errorReply(String reason) {
        return RedisReplies.error("ERR " + reason);
    }

    @Override
    public ByteBuf localReply(Message request, ClientConnection client) {
        RedisCommand command = (RedisCommand) request.command();
        if (password != null && !client.authenticated() && command != RedisCommand.AUTH
                && command != RedisCommand.QUIT) {
            return RedisReplies.NOAUTH.duplicate();
        }
        switch (command) {
            case PING:
                return RedisReplies.PONG.duplicate();
            case QUIT:
                // twemproxy closes without a word; Walnut answers +OK first, as Redis does.
                return RedisReplies.OK.duplicate();
            case AUTH:
                return authenticate(request, client);
            default:
                return null;
        }
    }

    private ByteBuf authenticate(Message request, ClientConnection client) {
        if (password == null) {
            return RedisReplies.NO_PASSWORD_SET.duplicate();
        }
        boolean right = request.keyLength(0) == password.length;
        for (int i = 0; right && i < password.length; i++) {
            right = request.buf().getByte(request.keyStart(0) + i) == password[i];
        }
        // A wrong password also drops an earlier successful AUTH, as twemproxy does.
        client.setAuthenticated(right);
        return right ? RedisReplies.OK.duplicate() : RedisReplies.INVALID_PASSWORD.duplicate();
    }

    @Override
    public List<ByteBuf> handshake() {
        return handshake;
    }

    @Override
    public ByteBuf fragment(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        return RedisFragmenter.fragment(alloc, parent, keyIndexes, from, count);
    }

    @Override
    public ByteBuf merge(ByteBufAllocator alloc, Message parent) {
        return RedisMerger.merge(alloc, parent);
    }

    @Override
    public ByteBuf gather(ByteBufAllocator alloc, Message parent, int[] keyIndexes, int from, int count) {
        return RedisGatherer.readKeys(alloc, parent, keyIndexes, from, count);
    }

    @Override
    public ByteBuf gathered(ByteBufAllocator alloc, Message parent, int[] keyFragment) {
        return RedisGatherer.run(alloc, parent, keyFragment);
    }

    @Override
    public boolean isServerFailure(Message reply) {
        return reply.kind() == RedisReplyDecoder.ERROR && RedisReplies.isServerFailure(reply.buf());
    }
}
