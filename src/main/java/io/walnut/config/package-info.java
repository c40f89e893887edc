/** twemproxy's YAML configuration: {@link io.walnut.config.ConfigLoader} accepts and rejects exactly what
 *  nutcracker 0.5.0 does, and yields immutable {@link io.walnut.config.ProxyConfig} records. */
package io.walnut.config;
