package io.walnut.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pool keys nutcracker 0.5.0 knows; the config spelling of each is its lower-case constant name.
 * {@code reuseport} is deliberately absent: 0.5.0 rejects it as unknown.
 */
enum Directive {
    LISTEN, HASH, HASH_TAG, DISTRIBUTION, TIMEOUT, BACKLOG, CLIENT_CONNECTIONS, REDIS, TCPKEEPALIVE, REDIS_AUTH,
    REDIS_DB, PRECONNECT, AUTO_EJECT_HOSTS, SERVER_CONNECTIONS, SERVER_RETRY_TIMEOUT, SERVER_FAILURE_LIMIT,
    SERVERS;

    private static final Map<String, Directive> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Directive::configName, Function.identity()));

    String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The directive spelled exactly {@code key} (case-sensitive), or null. */
    static Directive byName(String key) {
        return BY_NAME.get(key);
    }
}
