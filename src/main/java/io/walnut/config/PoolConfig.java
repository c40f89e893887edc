package io.walnut.config;

import io.walnut.dist.DistributionType;
import io.walnut.hash.HashFunction;
import io.walnut.hash.HashTag;

import java.util.List;

/**
 * One pool of twemproxy's YAML, validated, with twemproxy's defaults filled in. Immutable.
 *
 * @param timeoutMs          request timeout in ms; 0 or less means wait forever (twemproxy's -1 default)
 * @param hashTag            null when the pool has no {@code hash_tag}
 * @param redisAuth          null when not set
 * @param clientConnections  0 = unlimited; twemproxy ignores it, Walnut enforces it
 * @param servers            sorted as twemproxy sorts them; {@link ServerSpec#index()} is the position here
 */
public record PoolConfig(
        String name,
        ListenAddress listen,
        HashFunction hash,
        HashTag hashTag,
        DistributionType distribution,
        int timeoutMs,
        int backlog,
        int clientConnections,
        boolean redis,
        String redisAuth,
        int redisDb,
        boolean preconnect,
        boolean autoEjectHosts,
        int serverConnections,
        int serverRetryTimeoutMs,
        int serverFailureLimit,
        boolean tcpKeepalive,
        List<ServerSpec> servers) {

    public PoolConfig {
        servers = List.copyOf(servers);
    }
}
