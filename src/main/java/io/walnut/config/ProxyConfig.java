package io.walnut.config;

import java.nio.file.Path;
import java.util.List;

/** A whole configuration file: its pools, sorted by name as twemproxy sorts them (length, then bytes). */
public record ProxyConfig(Path file, List<PoolConfig> pools) {

    public ProxyConfig {
        pools = List.copyOf(pools);
    }
}
