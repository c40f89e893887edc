package io.walnut.dist;

/**
 * Picks a server for a key's 32-bit hash, over the servers that were live when it was built. Implementations
 * are immutable and safe from any thread; none allocates per call.
 */
public interface Distribution {

    /**
     * The chosen server's {@link io.walnut.config.ServerSpec#index()} in the pool's full sorted list.
     *
     * @param hash twemproxy's uint32_t hash, held in an int (compare it unsigned)
     */
    int select(int hash);
}
