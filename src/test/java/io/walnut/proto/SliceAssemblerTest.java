package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.walnut.testing.Bytes.direct;
import static io.walnut.testing.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;

class SliceAssemblerTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private final SliceAssembler assembler = new SliceAssembler();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<ByteBuf> written = new ArrayList<>();

    @AfterEach
    void releaseAll() {
        written.forEach(ByteBuf::release);
        channel.finishAndReleaseAll();
    }

    @Test
    void smallPiecesAreCopiedIntoOneBufferInOrder() {
        ByteBuf source = direct("+OK\r\n:1\r\n$3\r\nabc\r\n");
        ByteBuf built = assembler.add(source, 5, 4).add(source, 0, 5).add(source, 9, 9).build(ALLOC);
        written.add(built);
        assertThat(text(built)).isEqualTo(":1\r\n+OK\r\n$3\r\nabc\r\n");
        assertThat(built.nioBufferCount()).isEqualTo(1);
        assertThat(source.refCnt()).isEqualTo(1);
        source.release();
    }

    @Test
    void largePiecesAreSharedNotCopied() {
        ByteBuf header = direct("$4096\r\n");
        ByteBuf large = direct("x".repeat(SliceAssembler.SHARE_AT));
        ByteBuf built = assembler.add(header).add(large).build(ALLOC);
        written.add(built);
        assertThat(large.refCnt()).isEqualTo(2);
        large.setByte(0, 'y');
        assertThat(text(built)).startsWith("$4096\r\ny");
        header.release();
        large.release();
    }

    @Test
    void ownedSmallBuffersLeaveInOneWriteAndAreReleased() {
        ByteBuf a = direct("+OK\r\n");
        ByteBuf b = direct("$2\r\nhi\r\n");
        ByteBuf c = direct(":7\r\n");
        assembler.addOwned(a);
        assembler.addOwned(b);
        assembler.addOwned(c);
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(1);
        assertThat(text(out.get(0))).isEqualTo("+OK\r\n$2\r\nhi\r\n:7\r\n");
        assertThat(Arrays.asList(a.refCnt(), b.refCnt(), c.refCnt())).containsOnly(0);
    }

    @Test
    void anOwnedBufferAloneIsWrittenAsItIs() {
        ByteBuf only = direct("+PONG\r\n");
        assembler.addOwned(only);
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).containsExactly(only);
        assertThat(only.refCnt()).isEqualTo(1);
    }

    @Test
    void aLargeOwnedBufferSplitsTheRunsAroundItAndKeepsOrder() {
        ByteBuf large = direct("v".repeat(SliceAssembler.SHARE_AT + 10));
        assembler.addOwned(direct("a"));
        assembler.addOwned(direct("b"));
        assembler.addOwned(large);
        assembler.addOwned(direct("c"));
        assembler.addOwned(direct("d"));
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(3);
        assertThat(text(out.get(0))).isEqualTo("ab");
        assertThat(out.get(1)).isSameAs(large);
        assertThat(text(out.get(2))).isEqualTo("cd");
    }

    @Test
    void copiedRunsStopAtMaxRun() {
        int piece = SliceAssembler.SHARE_AT - 1;
        int pieces = 2 * SliceAssembler.MAX_RUN / piece + 1;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            String s = String.valueOf((char) ('a' + i % 26)).repeat(piece);
            expected.append(s);
            assembler.addOwned(direct(s));
        }
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(3);
        assertThat(out).allSatisfy(b -> assertThat(b.readableBytes()).isLessThanOrEqualTo(SliceAssembler.MAX_RUN));
        StringBuilder got = new StringBuilder();
        out.forEach(b -> got.append(text(b)));
        assertThat(got.toString()).isEqualTo(expected.toString());
    }

    @Test
    void writingToAClosedChannelReleasesEverythingAndLeavesTheAssemblerEmpty() {
        EmbeddedChannel closed = new EmbeddedChannel();
        closed.close();
        ByteBuf small = direct("+OK\r\n");
        ByteBuf large = direct("v".repeat(SliceAssembler.SHARE_AT));
        assembler.addOwned(small);
        assembler.addOwned(direct(":1\r\n"));
        assembler.addOwned(large);
        assembler.writeTo(closed, ALLOC);
        assertThat(small.refCnt()).isZero();
        assertThat(large.refCnt()).isZero();

        assembler.addOwned(direct("+PONG\r\n"));
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(1);
        assertThat(text(out.get(0))).isEqualTo("+PONG\r\n");
    }

    @Test
    void anEmptyOwnedBufferIsReleasedAndWritesNothing() {
        ByteBuf empty = Unpooled.directBuffer(8);
        assembler.addOwned(empty);
        assembler.writeTo(channel, ALLOC);
        assertThat(empty.refCnt()).isZero();
        assertThat(flushed()).isEmpty();
    }

    @Test
    void ownedRangesThatFollowEachOtherInOneBufferBecomeOnePiece() {
        // The decoder's reference, and one for each of three messages of one read.
        ByteBuf read = direct("*1\r\n$4\r\nPING\r\n" + "*1\r\n$4\r\nPING\r\n" + "+garbage");
        read.retain(3);
        assembler.addOwned(read, 0, 14);
        assembler.addOwned(read, 14, 14);
        assertThat(read.refCnt()).as("the second range joined the first; both references go with the piece")
                .isEqualTo(4);
        assembler.addOwned(read, 0, 3);
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(1);
        assertThat(text(out.get(0))).isEqualTo("*1\r\n$4\r\nPING\r\n".repeat(2) + "*1\r");
        assertThat(read.refCnt()).isEqualTo(1);
        read.release();
    }

    @Test
    void aLargeOwnedRangeIsSharedAsASliceAndItsReferenceMovesToTheSlice() {
        ByteBuf read = direct("$4096\r\n" + "v".repeat(SliceAssembler.SHARE_AT) + "\r\n+OK\r\n");
        read.retain();
        assembler.addOwned(read, 0, SliceAssembler.SHARE_AT + 9);
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).readableBytes()).isEqualTo(SliceAssembler.SHARE_AT + 9);
        read.setByte(7, 'w');
        assertThat(text(out.get(0))).as("shared, not copied").startsWith("$4096\r\nw");
        assertThat(read.refCnt()).as("the decoder's and the slice's").isEqualTo(2);
        read.release();
    }

    @Test
    void joinedRangesSharedAsOneSliceGiveBackAllTheirReferencesButTheSlices() {
        String value = "$4096\r\n" + "v".repeat(SliceAssembler.SHARE_AT) + "\r\n";
        ByteBuf read = direct(value + value);
        read.retain(2);
        assembler.addOwned(read, 0, value.length());
        assembler.addOwned(read, value.length(), value.length());
        assembler.writeTo(channel, ALLOC);
        List<ByteBuf> out = flushed();
        assertThat(out).hasSize(1);
        assertThat(text(out.get(0))).isEqualTo(value + value);
        assertThat(read.refCnt()).as("the decoder's and the slice's").isEqualTo(2);
        read.release();
    }

    private List<ByteBuf> flushed() {
        channel.flushOutbound();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            written.add(b);
        }
        return written;
    }
}
