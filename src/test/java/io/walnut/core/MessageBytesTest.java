package io.walnut.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.walnut.proto.ReferenceBatch;
import io.walnut.proto.SliceAssembler;
import org.junit.jupiter.api.Test;

import static io.walnut.testing.Bytes.direct;
import static io.walnut.testing.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;

/** A message's bytes are a range of the buffer they were read into, held by one reference of its own. */
class MessageBytesTest {
    private static final String TWO_REQUESTS = "*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
    private static final int FIRST = 14;

    private final MessagePool messages = new MessagePool();
    private final ReferenceBatch references = new ReferenceBatch();

    @Test
    void takeBytesHoldsOneReferenceAndReadsPast() {
        ByteBuf read = direct(TWO_REQUESTS);
        Message m = messages.take();
        m.takeBytes(read, FIRST, references);
        references.settle();
        assertThat(read.readerIndex()).isEqualTo(FIRST);
        assertThat(read.refCnt()).isEqualTo(2);
        assertThat(m.length).isEqualTo(FIRST);
        assertThat(text(m.buf())).as("the view starts at the message's first byte").isEqualTo("*1\r\n$4\r\nPING\r\n");
        assertThat(read.refCnt()).as("and holds a reference of its own").isEqualTo(3);

        messages.recycle(m);
        assertThat(read.refCnt()).as("recycling gives back the message's and the view's").isEqualTo(1);
        read.release();
    }

    @Test
    void sharedBytesAreTheSameBytesUnderAnotherReference() {
        ByteBuf read = direct(TWO_REQUESTS);
        read.skipBytes(FIRST);
        Message reply = messages.take();
        reply.takeBytes(read, read.readableBytes(), references);
        references.settle();
        Message copy = messages.take();
        copy.shareBytes(reply);
        assertThat(read.refCnt()).isEqualTo(3);
        assertThat(text(copy.buf())).isEqualTo(text(reply.buf())).startsWith("*2\r\n$3\r\nGET");

        messages.recycle(reply);
        assertThat(text(copy.buf())).as("still readable through the other reference").endsWith("$1\r\nk\r\n");
        messages.recycle(copy);
        assertThat(read.refCnt()).isEqualTo(1);
        read.release();
    }

    @Test
    void movedBytesLeaveWithTheAssemblersWriteAndTheMessageKeepsNone() {
        ByteBuf read = direct(TWO_REQUESTS);
        Message first = messages.take();
        Message second = messages.take();
        first.takeBytes(read, FIRST, references);
        second.takeBytes(read, read.readableBytes(), references);
        first.buf(); // a view made for a protocol goes too
        references.settle();
        read.release(); // the decoder is done with the read
        assertThat(read.refCnt()).as("the two messages' references and the view's").isEqualTo(3);

        SliceAssembler out = new SliceAssembler();
        first.moveBytesTo(out);
        second.moveBytesTo(out);
        assertThat(first.hasBytes()).isFalse();
        assertThat(read.refCnt()).as("the ranges joined, the assembler holding both references").isEqualTo(2);

        EmbeddedChannel channel = new EmbeddedChannel();
        out.writeTo(channel, ByteBufAllocator.DEFAULT);
        channel.flushOutbound();
        ByteBuf written = channel.readOutbound();
        assertThat(text(written)).isEqualTo(TWO_REQUESTS);
        assertThat(read.refCnt()).as("written as a slice of the read, not copied: only the slice holds it")
                .isEqualTo(1);
        written.release();
        assertThat(read.refCnt()).isZero();
        messages.recycle(first);
        messages.recycle(second);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
