package io.walnut.hash;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * twemproxy's {@code md5} key hash: the first four digest bytes, little-endian. Any thread: each thread keeps its
 * own {@link MessageDigest} and scratch arrays, so a lookup allocates nothing of its own.
 */
final class Md5 {
    /** Direct buffers are fed to the digest through this much scratch at a time. */
    private static final int CHUNK = 256;

    private static final FastThreadLocal<Md5> PER_THREAD = new FastThreadLocal<>() {
        @Override
        protected Md5 initialValue() {
            return new Md5();
        }
    };

    private final MessageDigest digest = newDigest();
    private final byte[] result = new byte[16];
    private final byte[] chunk = new byte[CHUNK];

    private Md5() {
    }

    static int hash(ByteBuf buf, int offset, int length) {
        return PER_THREAD.get().firstWordOf(buf, offset, length);
    }

    /** A new MD5 digest; every JDK must provide one, so its absence is an error, not a condition. */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    private int firstWordOf(ByteBuf buf, int offset, int length) {
        if (buf.hasArray()) {
            digest.update(buf.array(), buf.arrayOffset() + offset, length);
        } else {
            // MessageDigest reads direct memory through a heap copy anyway; this copy reuses one array.
            for (int done = 0; done < length; done += CHUNK) {
                int n = Math.min(CHUNK, length - done);
                buf.getBytes(offset + done, chunk, 0, n);
                digest.update(chunk, 0, n);
            }
        }
        try {
            digest.digest(result, 0, result.length);
        } catch (DigestException e) {
            throw new IllegalStateException("a 16-byte array holds an MD5 digest", e);
        }
        return (result[0] & 0xff) | (result[1] & 0xff) << 8 | (result[2] & 0xff) << 16 | (result[3] & 0xff) << 24;
    }
}
