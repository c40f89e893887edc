package io.walnut.proto.memcache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.FragmentFixture;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Table tests of get/gets fragments and their merge, on buffers. */
class MemcacheMergerTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private final MessagePool pool = new MessagePool();
    private final List<Message> toRecycle = new ArrayList<>();

    @AfterEach
    void recycle() {
        toRecycle.forEach(pool::recycle);
    }

    @Test
    void fragmentHasASpaceAfterEveryKeyAndKeepsTheCommand() {
        Message get = request("get  a   bb c\r\n");
        assertThat(fragment(get, 0, 2)).isEqualTo("get a c \r\n");
        assertThat(fragment(get, 1)).isEqualTo("get bb \r\n");
        assertThat(fragment(get, 2, 1, 0)).isEqualTo("get c bb a \r\n");
        Message gets = request("gets x y\r\n");
        assertThat(fragment(gets, 0, 1)).isEqualTo("gets x y \r\n");
    }

    @Test
    void missingKeysDoNotShiftLaterValues() {
        // k0, missing and k5 on one server, k1 on another: twemproxy answers k0, k5, k1.
        String merged = merge("get k0 missing k1 k5\r\n", new int[] {0, 0, 1, 0},
                value("k0", "a") + value("k5", "f") + "END\r\n", value("k1", "b") + "END\r\n");
        assertThat(merged).isEqualTo(value("k0", "a") + value("k1", "b") + value("k5", "f") + "END\r\n");
    }

    @Test
    void interleavedMissesOnEveryFragment() {
        String merged = merge("get a x b y c z\r\n", new int[] {0, 1, 2, 0, 1, 2},
                value("a", "1") + "END\r\n", value("c", "3") + "END\r\n", value("b", "2") + "END\r\n");
        assertThat(merged).isEqualTo(value("a", "1") + value("b", "2") + value("c", "3") + "END\r\n");
    }

    @Test
    void duplicatesComeBackAsMemcachedRepeatsThem() {
        String merged = merge("gets a a b a\r\n", new int[] {0, 0, 1, 0},
                cas("a", "1", 7) + cas("a", "1", 7) + cas("a", "1", 7) + "END\r\n", cas("b", "2", 8) + "END\r\n");
        assertThat(merged).isEqualTo(cas("a", "1", 7) + cas("a", "1", 7) + cas("b", "2", 8) + cas("a", "1", 7)
                + "END\r\n");
    }

    @Test
    void allMissingIsOneEnd() {
        assertThat(merge("get a b c\r\n", new int[] {0, 1, 0}, "END\r\n", "END\r\n")).isEqualTo("END\r\n");
    }

    @Test
    void oneFragment() {
        assertThat(merge("get a b\r\n", new int[] {0, 0}, value("a", "1") + value("b", "22") + "END\r\n"))
                .isEqualTo(value("a", "1") + value("b", "22") + "END\r\n");
    }

    @Test
    void aKeyThatPrefixesAnotherDoesNotTakeItsValue() {
        String longKey = "k".repeat(250);
        assertThat(merge("get a ab " + longKey + " b\r\n", new int[] {0, 0, 0, 0},
                value("ab", "x") + value("b", "y") + "END\r\n"))
                .isEqualTo(value("ab", "x") + value("b", "y") + "END\r\n");
    }

    @Test
    void aFragmentWithAnErrorMakesTheWholeReplyInvalidArgument() {
        assertThat(merge("get a b\r\n", new int[] {0, 1}, value("a", "1") + "END\r\n",
                "SERVER_ERROR out of memory\r\n")).isEqualTo("SERVER_ERROR Invalid argument\r\n");
        assertThat(merge("get a b\r\n", new int[] {0, 1}, "STORED\r\n", "END\r\n"))
                .isEqualTo("SERVER_ERROR Invalid argument\r\n");
    }

    @Test
    void largeValuesAreMergedWithoutLoss() {
        String big = "v".repeat(100_000);
        String merged = merge("get a b c\r\n", new int[] {0, 1, 0}, value("a", big) + value("c", big) + "END\r\n",
                value("b", "small") + "END\r\n");
        assertThat(merged).isEqualTo(value("a", big) + value("b", "small") + value("c", big) + "END\r\n");
    }

    private String merge(String request, int[] fragmentOfKey, String... replies) {
        Message parent = request(request);
        Message[] answers = new Message[replies.length];
        for (int f = 0; f < replies.length; f++) {
            answers[f] = reply(replies[f]);
        }
        FragmentFixture.answered(parent, fragmentOfKey, answers);
        ByteBuf merged = MemcacheMerger.merge(ALLOC, parent);
        try {
            return merged.toString(StandardCharsets.ISO_8859_1);
        } finally {
            merged.release();
        }
    }

    private String fragment(Message parent, int... keys) {
        ByteBuf built = MemcacheFragmenter.fragment(ALLOC, parent, keys, 0, keys.length);
        try {
            return built.toString(StandardCharsets.ISO_8859_1);
        } finally {
            built.release();
        }
    }

    private Message request(String bytes) {
        return decodeOne(new EmbeddedChannel(new MemcacheRequestDecoder(pool)), bytes);
    }

    private Message reply(String bytes) {
        return decodeOne(new EmbeddedChannel(new MemcacheReplyDecoder(pool)), bytes);
    }

    private Message decodeOne(EmbeddedChannel ch, String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        Message m = ch.readInbound();
        assertThat(m).isNotNull();
        assertThat(ch.finish()).isFalse();
        toRecycle.add(m);
        return m;
    }

    private static String value(String key, String data) {
        return "VALUE " + key + " 0 " + data.length() + "\r\n" + data + "\r\n";
    }

    private static String cas(String key, String data, long unique) {
        return "VALUE " + key + " 0 " + data.length() + " " + unique + "\r\n" + data + "\r\n";
    }
}
