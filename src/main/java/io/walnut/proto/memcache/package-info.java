/** The memcached ASCII protocol: request and reply decoders, command table, get/gets fragments and merge. */
package io.walnut.proto.memcache;
