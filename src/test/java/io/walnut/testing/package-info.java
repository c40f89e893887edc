/** Test fixtures: free loopback ports, real redis-server, memcached and nutcracker processes, a raw RESP client. */
package io.walnut.testing;
