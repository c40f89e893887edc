/** Walnut, a Redis and Memcached sharding proxy that stands in for twemproxy: the {@code walnut} command
 *  ({@link io.walnut.Main}), its options, logging set-up and the proxy's entry point. */
package io.walnut;
