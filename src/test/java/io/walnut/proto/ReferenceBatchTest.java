package io.walnut.proto;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import static io.walnut.testing.Bytes.direct;
import static org.assertj.core.api.Assertions.assertThat;

/** Messages get references of the buffer they were read from a batch at a time; none is lost or left over. */
class ReferenceBatchTest {
    private final ReferenceBatch references = new ReferenceBatch();

    @Test
    void eachTakeIsOneReferenceOnceSettled() {
        ByteBuf read = direct("*1\r\n$4\r\nPING\r\n");
        for (int i = 0; i < ReferenceBatch.SIZE * 2 + 3; i++) {
            assertThat(references.take(read)).isSameAs(read);
        }
        assertThat(read.refCnt()).as("a batch taken ahead").isGreaterThan(ReferenceBatch.SIZE * 2 + 4);
        references.settle();
        assertThat(read.refCnt()).isEqualTo(ReferenceBatch.SIZE * 2 + 4);
        read.release(ReferenceBatch.SIZE * 2 + 4);
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void anotherBufferGivesBackWhatTheFirstDidNotUse() {
        ByteBuf first = direct("a");
        ByteBuf second = direct("b");
        references.take(first);
        references.take(second);
        assertThat(first.refCnt()).as("the first's batch settled when the second's began").isEqualTo(2);
        references.settle();
        assertThat(second.refCnt()).isEqualTo(2);
        references.settle();
        assertThat(second.refCnt()).as("settling twice gives back nothing twice").isEqualTo(2);
        first.release(2);
        second.release(2);
    }
}
