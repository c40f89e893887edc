package io.walnut.proto;

/**
 * What a request decoder recognised: enough for the core to route the request without knowing the protocol.
 * Implemented by each protocol's command table.
 */
public interface Command {

    /** How the core handles a request of this command. */
    enum Route {
        /** Sent whole to the server of its routing key (the message's first key span). */
        KEY,
        /** Split into one fragment per server by its keys, answered by merging the fragments' replies. */
        FRAGMENT,
        /** Keyless: sent whole to the server that twemproxy's literal key {@code placeholder} maps to. */
        PLACEHOLDER,
        /**
         * Redis ZUNION, ZINTER, ZDIFF: sent whole to the server of the first key when all keys live there;
         * otherwise the other servers' keys are first copied to that server ({@link Protocol#gather}), so the
         * answer is the one a single server holding every key gives.
         */
        GATHER,
        /** Answered by the proxy itself ({@link Protocol#localReply}). */
        LOCAL,
        /** Answer what is due, then close the connection. */
        QUIT
    }

    /** How the replies of a fragmented command's fragments become one reply. */
    enum Merge {
        NONE,
        /** Redis MGET: one array, each key's element in request key order. */
        ARRAY_IN_KEY_ORDER,
        /** Redis DEL, UNLINK, TOUCH, EXISTS: the sum of the fragments' integers. */
        SUM_OF_INTEGERS,
        /** Redis MSET: OK once every fragment is OK. */
        ALL_OK,
        /** Memcached get/gets: every fragment's VALUE blocks in request key order, one END. */
        VALUES_THEN_END
    }

    Route route();

    Merge merge();

    /** Arguments per key in a fragmented command: 1 for MGET and get, 2 for MSET (key, value). */
    int keyStep();

    /** The command's name as the protocol spells it, for logs and error replies. */
    String commandName();
}
