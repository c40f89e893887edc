/** twemproxy's key hashes, bit for bit, and its {@code hash_tag} rule; read keys in place, allocate nothing. */
package io.walnut.hash;
