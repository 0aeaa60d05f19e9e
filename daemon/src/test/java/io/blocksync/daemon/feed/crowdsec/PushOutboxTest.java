package io.blocksync.daemon.feed.crowdsec;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.ReasonCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's end of the push (a ring that drops and counts when full, an unban carrying the lifted ban's reason) and
 * the registry that keeps CrowdSec's own bans from being pushed back and lifts a ban only with its last decision.
 */
class PushOutboxTest
{
    private final AtomicCounter dropped = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(4 * org.agrona.concurrent.status.CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(4 * org.agrona.concurrent.status.CountersReader.COUNTER_LENGTH))).newCounter("dropped");

    @Test
    void changesComeOutInOrderAndAFullRingDropsAndCounts()
    {
        final PushOutbox outbox = new PushOutbox(2, dropped);
        final Ban ban = ban("192.0.2.60", "sshd");
        outbox.onBan(ban);
        outbox.onUnban(new Ban().set(ban).action(BanAction.UNBAN).reason(0), ban("192.0.2.60", "nginx-http-auth"));
        outbox.onBan(ban("192.0.2.61", "sshd"));
        assertEquals(1, dropped.get(), "the third change did not fit in a ring of 2");

        final Ban out = new Ban();
        assertEquals(1, outbox.poll(out));
        assertEquals("192.0.2.60", out.prefix().toString());
        assertEquals("sshd", out.reasonText());
        assertEquals(-1, outbox.poll(out));
        assertEquals("nginx-http-auth", out.reasonText(), "an unban carries the reason of the ban it lifted");
        assertEquals(0, outbox.poll(out));
        outbox.onBan(ban("192.0.2.62", "sshd"));
        assertEquals(1, outbox.poll(out));
        assertEquals("192.0.2.62", out.prefix().toString());
    }

    @Test
    void aBanIsLiftedWithItsLastDecisionAndCrowdSecsBansAreKnownByPrefixAndReason()
    {
        final FromCrowdSec registry = new FromCrowdSec();
        final long sshBf = ReasonCode.of("crowdsecurity/ssh-bf").id();
        registry.add("192.0.2.60", 1, sshBf, 1);
        registry.add("192.0.2.60", 7, sshBf, 1);
        assertTrue(registry.isCrowdSecs("192.0.2.60", sshBf));
        assertFalse(registry.isCrowdSecs("192.0.2.60", ReasonCode.of("sshd").id()), "an operator's ban under another reason is pushed");
        registry.applied("192.0.2.60", sshBf, 4_242);
        assertNull(registry.remove("192.0.2.60", 1), "decision 7 still holds the ban");
        assertNull(registry.remove("192.0.2.61", 1), "never taken: nothing to lift");
        assertEquals(new FromCrowdSec.Gone("192.0.2.60", sshBf, 4_242), registry.remove("192.0.2.60", 7),
            "the last decision lifts the ban it made, under its reason");
        assertFalse(registry.isCrowdSecs("192.0.2.60", sshBf));
        assertEquals(0, registry.size());

        // The node refused the ban of .62 (review 8 finding 5): its deletion lifts no other ban of the reason.
        registry.add("192.0.2.62", 9, sshBf, 1);
        registry.refused("192.0.2.62");
        assertEquals(new FromCrowdSec.Gone("192.0.2.62", sshBf, FromCrowdSec.NO_BAN), registry.remove("192.0.2.62", 9));
    }

    private static Ban ban(final String address, final String reason)
    {
        final Ban ban = new Ban().action(BanAction.BAN).durationSeconds(3_600).reason(ReasonCode.of(reason)).originNodeId(1);
        assertNull(AddressText.parse(address, ban.prefix(), 32, 128));
        return ban;
    }
}
