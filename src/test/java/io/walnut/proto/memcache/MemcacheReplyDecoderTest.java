package io.walnut.proto.memcache;

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
import java.util.List;

import static io.walnut.proto.memcache.MemcacheReplyDecoder.ERROR;
import static io.walnut.proto.memcache.MemcacheReplyDecoder.NUMBER;
import static io.walnut.proto.memcache.MemcacheReplyDecoder.RETRIEVAL;
import static io.walnut.proto.memcache.MemcacheReplyDecoder.STATUS;
import static io.walnut.proto.memcache.MemcacheReplyDecoder.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemcacheReplyDecoderTest {
    private final MessagePool pool = new MessagePool();

    record Decoded(byte kind, String bytes, List<String> elements) {
    }

    private static final String HITS = "VALUE foo 5 3\r\nbar\r\n" + "VALUE k 0 0 77\r\n\r\n"
            + "VALUE b 1 12\r\nEND\r\nVALUE x\r\n" + "END\r\n";
    private static final String REPLIES = "STORED\r\n" + "NOT_STORED\r\n" + "EXISTS\r\n" + "NOT_FOUND\r\n"
            + "DELETED\r\n" + "TOUCHED\r\n" + "END\r\n" + HITS + "VERSION 1.6.18\r\n" + "15\r\n" + "ERROR\r\n"
            + "CLIENT_ERROR bad command line format\r\n" + "SERVER_ERROR object too large for cache\r\n"
            + "VALUE a 0 1\r\nx\r\nSERVER_ERROR out of memory writing get response\r\n";

    private static final List<Decoded> EXPECTED = List.of(
            new Decoded(STATUS, "STORED\r\n", List.of()),
            new Decoded(STATUS, "NOT_STORED\r\n", List.of()),
            new Decoded(STATUS, "EXISTS\r\n", List.of()),
            new Decoded(STATUS, "NOT_FOUND\r\n", List.of()),
            new Decoded(STATUS, "DELETED\r\n", List.of()),
            new Decoded(STATUS, "TOUCHED\r\n", List.of()),
            new Decoded(RETRIEVAL, "END\r\n", List.of()),
            new Decoded(RETRIEVAL, HITS, List.of("VALUE foo 5 3\r\nbar\r\n", "VALUE k 0 0 77\r\n\r\n",
                    "VALUE b 1 12\r\nEND\r\nVALUE x\r\n")),
            new Decoded(VERSION, "VERSION 1.6.18\r\n", List.of()),
            new Decoded(NUMBER, "15\r\n", List.of()),
            new Decoded(ERROR, "ERROR\r\n", List.of()),
            new Decoded(ERROR, "CLIENT_ERROR bad command line format\r\n", List.of()),
            new Decoded(ERROR, "SERVER_ERROR object too large for cache\r\n", List.of()),
            new Decoded(ERROR, "VALUE a 0 1\r\nx\r\nSERVER_ERROR out of memory writing get response\r\n",
                    List.of("VALUE a 0 1\r\nx\r\n")));

    @Test
    void decodesTheSameWhateverTheChunks() {
        for (List<String> chunks : DecoderFeed.everyWay(REPLIES)) {
            assertThat(decode(chunks)).as("chunks of sizes %s", chunks.stream().map(String::length).toList())
                    .isEqualTo(EXPECTED);
        }
    }

    @Test
    void decodesABigValueInPieces() {
        String value = "v".repeat(1 << 20);
        String reply = "VALUE big 0 " + value.length() + "\r\n" + value + "\r\nEND\r\n";
        List<Decoded> got = decode(DecoderFeed.pieces(reply, 7919));
        assertThat(got).singleElement().satisfies(d -> {
            assertThat(d.bytes()).isEqualTo(reply);
            assertThat(d.elements()).hasSize(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "OK\r\n",                                // not a memcached reply
        "STORED\n",                              // LF without CR
        "\r\n",                                  // empty line
        "VALUE a 0 3\r\nabcd\r\nEND\r\n",        // data longer than declared
        "VALUE a 0 x\r\nabc\r\nEND\r\n",         // bad length
        "VALUE a 0\r\n",                         // length missing
        "VALUE a 0 1\r\nx\r\nSTORED\r\n",        // a status line inside a retrieval
        "VALUE a 0 999999999999\r\n",            // length beyond the bound
        "-12\r\n",                               // not a number reply
    })
    void rejectsBrokenReplies(String bad) {
        EmbeddedChannel ch = new EmbeddedChannel(new MemcacheReplyDecoder(pool));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1)))
                .isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolException.class);
        ch.finishAndReleaseAll();
    }

    @Test
    void rejectsAnEndlessLine() {
        EmbeddedChannel ch = new EmbeddedChannel(new MemcacheReplyDecoder(pool));
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer("VERSION " + "x".repeat(70_000),
                StandardCharsets.ISO_8859_1))).hasCauseInstanceOf(ProtocolException.class);
        ch.finishAndReleaseAll();
    }

    private List<Decoded> decode(List<String> chunks) {
        return DecoderFeed.decode(new EmbeddedChannel(new MemcacheReplyDecoder(pool)), chunks, pool, m -> {
            List<String> elements = new ArrayList<>();
            for (int i = 0; i < m.elementCount(); i++) {
                elements.add(m.buf().toString(m.elementStart(i), m.elementLength(i), StandardCharsets.ISO_8859_1));
            }
            return new Decoded(m.kind(), m.buf().toString(StandardCharsets.ISO_8859_1), elements);
        });
    }
}
