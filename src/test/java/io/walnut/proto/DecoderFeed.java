package io.walnut.proto;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.core.Message;
import io.walnut.core.MessagePool;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Test helper: feeds a decoder samples cut in every way that matters and describes what comes out as plain
 * values, so a test can show the same messages whatever the chunks. Samples are text, one char per byte.
 */
public final class DecoderFeed {
    private DecoderFeed() {
    }

    /** {@code sample} whole, one byte at a time, then cut in two at every index. */
    public static List<List<String>> everyWay(String sample) {
        List<List<String>> ways = new ArrayList<>();
        ways.add(List.of(sample));
        List<String> oneByOne = new ArrayList<>();
        for (char c : sample.toCharArray()) {
            oneByOne.add(String.valueOf(c));
        }
        ways.add(oneByOne);
        for (int cut = 1; cut < sample.length(); cut++) {
            ways.add(List.of(sample.substring(0, cut), sample.substring(cut)));
        }
        return ways;
    }

    /** {@code sample} in pieces of {@code size} bytes (the last may be shorter). */
    public static List<String> pieces(String sample, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < sample.length(); i += size) {
            pieces.add(sample.substring(i, Math.min(sample.length(), i + size)));
        }
        return pieces;
    }

    /** {@code sample} in pieces of 1 to {@code maxSize} bytes, their sizes drawn from {@code random}. */
    public static List<String> randomPieces(String sample, int maxSize, Random random) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < sample.length(); ) {
            int end = Math.min(sample.length(), i + 1 + random.nextInt(maxSize));
            pieces.add(sample.substring(i, end));
            i = end;
        }
        return pieces;
    }

    /** Writes each chunk into {@code ch} and describes every message out; {@code finish()} must leave nothing. */
    public static <T> List<T> decode(EmbeddedChannel ch, List<String> chunks, MessagePool pool,
                                     Function<Message, T> describe) {
        List<T> all = new ArrayList<>();
        for (String chunk : chunks) {
            ch.writeInbound(Unpooled.copiedBuffer(chunk, StandardCharsets.ISO_8859_1));
            all.addAll(drain(ch, pool, describe));
        }
        assertThat(ch.finish()).isFalse();
        return all;
    }

    /** Describes and recycles the messages {@code ch} has out. */
    public static <T> List<T> drain(EmbeddedChannel ch, MessagePool pool, Function<Message, T> describe) {
        List<T> out = new ArrayList<>();
        for (Message m; (m = ch.readInbound()) != null; ) {
            out.add(describe.apply(m));
            pool.recycle(m);
        }
        return out;
    }
}
