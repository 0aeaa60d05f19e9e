package io.blocksync.daemon.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member's view of one sender's group stream: cumulative point, bitmap beyond it, holes and skips. */
class GroupMemberStreamTest
{
    @Test
    void aHoleStaysOpenUntilFilledOrSkipped()
    {
        final GroupReceiver.MemberStream stream = new GroupReceiver.MemberStream(null);
        stream.skipTo(10);
        stream.mark(11);
        assertEquals(11, stream.cumulative());
        assertFalse(stream.hasHole());

        stream.mark(13);
        stream.mark(15);
        assertTrue(stream.hasHole(), "12 and 14 missing");
        assertTrue(stream.has(13));
        assertFalse(stream.has(12));
        assertEquals(11, stream.cumulative());

        stream.mark(12);
        assertEquals(13, stream.cumulative(), "12 fills the hole up to 13");
        assertTrue(stream.hasHole(), "14 still missing");

        stream.skipTo(14);
        assertEquals(15, stream.cumulative(), "giving 14 up moves over 15, which was had");
        assertFalse(stream.hasHole());
    }

    @Test
    void skippingBeyondTheBitmapForgetsIt()
    {
        final GroupReceiver.MemberStream stream = new GroupReceiver.MemberStream(null);
        stream.mark(2);
        stream.mark(64);
        stream.skipTo(200);
        assertEquals(200, stream.cumulative());
        assertFalse(stream.hasHole());
        assertFalse(stream.has(64));
    }
}
