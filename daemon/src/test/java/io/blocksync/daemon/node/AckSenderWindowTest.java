package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The receive window an ACK advertises beyond its cumulative point (issue 13, flow13): an ACK leaves only once the
 * sync covering its point is done, and the batches taken meanwhile no longer need room, so they are added to the room
 * counted now. Counted from the older point alone, a node on a slow shared disk invited a window per sync.
 */
class AckSenderWindowTest
{
    @Test
    void theBatchesTakenWhileTheAckWaitedForItsSyncAreAddedToTheRoomNow()
    {
        assertEquals(102, AckSender.advertised(102, 0), "nothing taken since the point: the room as it is");
        assertEquals(202, AckSender.advertised(102, 100), "100 taken while the sync ran: 102 beyond them");
        assertEquals(AckFrameFlyweight.MAX_RECEIVE_WINDOW, AckSender.advertised(102, 5_000), "never beyond the selective window");
        assertEquals(102, AckSender.advertised(102, -3), "a point that went back (the peer's new epoch) adds nothing");
    }

    @Test
    void aClosedWindowStaysClosedWhateverWasTaken()
    {
        assertEquals(0, AckSender.advertised(0, 100), "the firewall's backlog is at its limit: nothing new");
    }
}
