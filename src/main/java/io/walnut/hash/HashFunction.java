package io.walnut.hash;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Locale;

/**
 * twemproxy 0.5.0's twelve key hash functions, each giving exactly twemproxy's 32-bit value on x86
 * (quirks included: signed key bytes, fnv1a_64 computed in 32 bits, crc16 keeping 32 bits).
 * The config name of each is its lower-case constant name.
 *
 * <p>Stateless and safe from any thread. Keys are read in place; only {@link #MD5} touches per-thread state, and
 * none allocates per call.
 */
public enum HashFunction {
    ONE_AT_A_TIME,
    MD5,
    CRC16,
    /** libmemcached's 15-bit value, not the standard CRC-32 (that is {@link #CRC32A}). */
    CRC32,
    CRC32A,
    FNV1_64,
    /** twemproxy's default; a 32-bit hash with multiplier 435, not the real FNV-1a-64. */
    FNV1A_64,
    FNV1_32,
    FNV1A_32,
    HSIEH,
    MURMUR,
    JENKINS;

    /**
     * The 32-bit hash of {@code buf[offset, offset+length)} (absolute indexes; reader and writer index untouched),
     * as an int holding twemproxy's uint32_t. This is the raw function: the empty-key rule is the caller's.
     */
    public int hash(ByteBuf buf, int offset, int length) {
        return switch (this) {
            case ONE_AT_A_TIME -> Jenkins.oneAtATime(buf, offset, length);
            case MD5 -> Md5.hash(buf, offset, length);
            case CRC16 -> Crc.crc16(buf, offset, length);
            case CRC32 -> Crc.crc32(buf, offset, length);
            case CRC32A -> Crc.crc32a(buf, offset, length);
            case FNV1_64 -> Fnv.fnv1(buf, offset, length, Fnv.OFFSET_64_LOW, Fnv.PRIME_64_LOW);
            case FNV1A_64 -> Fnv.fnv1a(buf, offset, length, Fnv.OFFSET_64_LOW, Fnv.PRIME_64_LOW);
            case FNV1_32 -> Fnv.fnv1(buf, offset, length, Fnv.OFFSET_32, Fnv.PRIME_32);
            case FNV1A_32 -> Fnv.fnv1a(buf, offset, length, Fnv.OFFSET_32, Fnv.PRIME_32);
            case HSIEH -> Hsieh.hash(buf, offset, length);
            case MURMUR -> Murmur2.hash(buf, offset, length);
            case JENKINS -> Jenkins.lookup3(buf, offset, length);
        };
    }

    /** The hash of a whole array. Allocates a small wrapper, so it is for tests and set-up, not for routing. */
    public int hash(byte[] key) {
        return hash(Unpooled.wrappedBuffer(key), 0, key.length);
    }

    /** The config spelling, e.g. {@code fnv1a_64}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
