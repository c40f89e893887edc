package io.walnut.proto.redis;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import io.walnut.proto.DecoderFeed;
import io.walnut.proto.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisReplyDecoderTest {
    private final MessagePool pool = new MessagePool();

    record Decoded(char kind, long integer, String bytes, List<String> elements) {
    }

    private static final String NESTED = "*3\r\n*2\r\n:1\r\n$1\r\na\r\n$-1\r\n*0\r\n";
    private static final String TEN = "*10\r\n" + "+x\r\n".repeat(10);
    private static final String REPLIES = "+OK\r\n" + "-ERR bad thing\r\n" + ":-42\r\n" + "$3\r\nfoo\r\n"
            + "$-1\r\n" + "*-1\r\n" + "*0\r\n" + NESTED + "$0\r\n\r\n" + "*2\r\n$2\r\n\r\n\r\n+x\r\n"
            + "$12\r\nhello world!\r\n" + "$100\r\n" + "v".repeat(100) + "\r\n" + "$05\r\nhello\r\n" + TEN;

    private static final List<Decoded> EXPECTED = List.of(
            new Decoded('+', 0, "+OK\r\n", List.of()),
            new Decoded('-', 0, "-ERR bad thing\r\n", List.of()),
            new Decoded(':', -42, ":-42\r\n", List.of()),
            new Decoded('$', 0, "$3\r\nfoo\r\n", List.of()),
            new Decoded('$', 0, "$-1\r\n", List.of()),
            new Decoded('*', 0, "*-1\r\n", List.of()),
            new Decoded('*', 0, "*0\r\n", List.of()),
            new Decoded('*', 0, NESTED, List.of("*2\r\n:1\r\n$1\r\na\r\n", "$-1\r\n", "*0\r\n")),
            new Decoded('$', 0, "$0\r\n\r\n", List.of()),
            new Decoded('*', 0, "*2\r\n$2\r\n\r\n\r\n+x\r\n", List.of("$2\r\n\r\n\r\n", "+x\r\n")),
            new Decoded('$', 0, "$12\r\nhello world!\r\n", List.of()),
            new Decoded('$', 0, "$100\r\n" + "v".repeat(100) + "\r\n", List.of()),
            new Decoded('$', 0, "$05\r\nhello\r\n", List.of()),
            new Decoded('*', 0, TEN, Collections.nCopies(10, "+x\r\n")));

    @Test
    void decodesWholeByteByByteAndSplitAnywhere() {
        assertThat(decode(List.of(REPLIES))).isEqualTo(EXPECTED);
        List<String> oneByOne = new ArrayList<>();
        for (char c : REPLIES.toCharArray()) {
            oneByOne.add(String.valueOf(c));
        }
        assertThat(decode(oneByOne)).isEqualTo(EXPECTED);
        for (int cut = 1; cut < REPLIES.length(); cut++) {
            assertThat(decode(List.of(REPLIES.substring(0, cut), REPLIES.substring(cut)))).as("cut %d", cut)
                    .isEqualTo(EXPECTED);
        }
    }

    /**
     * Arrays and bulks with counts and lengths of one, two and three digits (the short-line reading and the
     * general one), nil and integer elements among them, fed in random pieces. Seeded, so a failure repeats.
     */
    @Test
    void decodesRandomRepliesInRandomPieces() {
        Random random = new Random(20261126);
        for (int trial = 0; trial < 50; trial++) {
            StringBuilder replies = new StringBuilder();
            List<Decoded> expected = new ArrayList<>();
            for (int r = 0; r < 20; r++) {
                int count = random.nextInt(120);
                List<String> elements = new ArrayList<>();
                for (int e = 0; e < count; e++) {
                    int kind = random.nextInt(10);
                    elements.add(kind == 0 ? "$-1\r\n" : kind == 1 ? ":" + (random.nextInt(2001) - 1000) + "\r\n"
                            : bulk("v".repeat(random.nextInt(150))));
                }
                String reply = "*" + count + "\r\n" + String.join("", elements);
                replies.append(reply);
                expected.add(new Decoded('*', 0, reply, elements));
            }
            assertThat(decode(DecoderFeed.randomPieces(replies.toString(), 64, random))).as("trial %d", trial)
                    .isEqualTo(expected);
        }
    }

    private static String bulk(String value) {
        return "$" + value.length() + "\r\n" + value + "\r\n";
    }

    @Test
    void decodesABigBulkInPieces() {
        String value = "v".repeat(1 << 20);
        String reply = "$" + value.length() + "\r\n" + value + "\r\n";
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < reply.length(); i += 7919) {
            pieces.add(reply.substring(i, Math.min(reply.length(), i + 7919)));
        }
        List<Decoded> got = decode(pieces);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).bytes()).isEqualTo(reply);
    }

    @ParameterizedTest
    @ValueSource(strings = {"!oops\r\n", "$3\r\nfoox\r\n", ":12a\r\n", "$-2\r\n", "+no cr\n", "*-5\r\n", "$1x\r\n",
        "$12\rxx\r\n", "*1\r\r\n"})
    void rejectsBrokenReplies(String bad) {
        EmbeddedChannel ch = new EmbeddedChannel(new RedisReplyDecoder(pool));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1)))
                .isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolException.class);
        ch.finishAndReleaseAll();
    }

    private List<Decoded> decode(List<String> chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new RedisReplyDecoder(pool));
        List<Decoded> out = new ArrayList<>();
        for (String chunk : chunks) {
            ch.writeInbound(Unpooled.copiedBuffer(chunk, StandardCharsets.ISO_8859_1));
            for (Message m; (m = ch.readInbound()) != null; ) {
                List<String> elements = new ArrayList<>();
                for (int i = 0; i < m.elementCount(); i++) {
                    elements.add(m.buf().toString(m.elementStart(i), m.elementLength(i), StandardCharsets.ISO_8859_1));
                }
                out.add(new Decoded((char) m.kind(), m.integer(), m.buf().toString(StandardCharsets.ISO_8859_1),
                        elements));
                pool.recycle(m);
            }
        }
        assertThat(ch.finish()).isFalse();
        return out;
    }
}
