/** Key-to-server placement as twemproxy does it: ketama, modula and random over the live servers of a pool. */
package io.walnut.dist;
