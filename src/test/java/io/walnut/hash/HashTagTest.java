package io.walnut.hash;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The examples of the reference's section 6.1, rule 2. */
class HashTagTest {
    private static final HashTag BRACES = new HashTag((byte) '{', (byte) '}');

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ' ', value = {
        "user:{u1}:x u1",
        "{} {}",
        "a{}b a{}b",
        "x{y x{y",
        "{ {",
        "}{a} a",
        "{a}{b} a",
        "{{a}} {a",
        "plain plain",
        "{a} a",
        "x}y{ x}y{",
    })
    void hashesThePartBetweenTheFirstLeftAndTheFirstRightAfterIt(String key, String hashed) {
        assertThat(hashedPart(BRACES, key, 0)).isEqualTo(hashed);
        assertThat(hashedPart(BRACES, key, 4)).isEqualTo(hashed);
    }

    @Test
    void equalLeftAndRightBytesWork() {
        HashTag dollars = new HashTag((byte) '$', (byte) '$');
        assertThat(hashedPart(dollars, "a$b$c$d", 0)).isEqualTo("b");
        assertThat(hashedPart(dollars, "a$$b", 0)).isEqualTo("a$$b");
        assertThat(hashedPart(dollars, "a$b", 0)).isEqualTo("a$b");
    }

    @Test
    void emptyKeyStaysEmpty() {
        assertThat(hashedPart(BRACES, "", 3)).isEmpty();
    }

    @Test
    void neverLooksOutsideTheKey() {
        ByteBuf buf = Unpooled.copiedBuffer("{ab}cd}", StandardCharsets.US_ASCII);
        long region = BRACES.region(buf, 1, 4); // "ab}c": no '{' inside the key
        assertThat(HashTag.start(region)).isEqualTo(1);
        assertThat(HashTag.length(region)).isEqualTo(4);
    }

    /** The hashed part of {@code key}, placed {@code padding} bytes into a direct buffer. */
    private static String hashedPart(HashTag tag, String key, int padding) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.directBuffer().writeZero(padding).writeBytes(bytes).writeBytes(new byte[] {'}', '{'});
        try {
            long region = tag.region(buf, padding, bytes.length);
            return buf.toString(HashTag.start(region), HashTag.length(region), StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }
}
