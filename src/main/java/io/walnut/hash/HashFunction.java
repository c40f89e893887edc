package io.walnut.hash;

import io.netty.buffer.ByteBuf;

/**
 * twemproxy 0.5.0's twelve key hash functions, each giving exactly twemproxy's 32-bit value on x86
 * (quirks included: signed key bytes, fnv1a_64 computed in 32 bits, crc16 keeping 32 bits).
 * The config name of each is its lower-case constant name.
 */
public enum HashFunction {
    ONE_AT_A_TIME, MD5, CRC16, CRC32, CRC32A, FNV1_64, FNV1A_64, FNV1_32, FNV1A_32, HSIEH, MURMUR, JENKINS;

    /** The 32-bit hash of {@code buf[offset, offset+length)}, as an int holding twemproxy's uint32_t. */
    public int hash(ByteBuf buf, int offset, int length) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The config spelling, e.g. {@code fnv1a_64}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
