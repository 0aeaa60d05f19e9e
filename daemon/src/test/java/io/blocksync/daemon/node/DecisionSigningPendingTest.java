package io.blocksync.daemon.node;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DecisionSigning#isPending}: a prefix is pending exactly while a decision for it is handed over and not yet
 * released, however the slots wrap, and a prefix that only shares a filter bucket with one in flight is not.
 */
class DecisionSigningPendingTest
{
    private static final int CAPACITY = 64;
    /** DecisionSigning's filter size: prefixes in the same bucket of it hit the filter and need the scan. */
    private static final int BUCKETS = 16_384;

    @Test
    void pendingExactlyWhileHandedOverAcrossWrapsAndBucketNeighbours()
    {
        final Random random = new Random(13);
        final DecisionSigning signing = new DecisionSigning(null, CAPACITY, 1);
        final ArrayDeque<IpPrefix> inFlight = new ArrayDeque<>();
        final Set<IpPrefix> everHanded = new HashSet<>();
        int handed = 0;
        for (int round = 0; round < 40; round++)
        {
            // Fill the ring, then release a seeded number: the slots wrap many times over the rounds.
            while (signing.hasRoom())
            {
                final IpPrefix prefix = randomPrefix(random);
                if (inFlight.contains(prefix))
                {
                    continue;
                }
                signing.claim().record().prefix(prefix);
                signing.handOver();
                inFlight.addLast(prefix);
                everHanded.add(prefix);
                handed++;
            }
            for (final IpPrefix prefix : inFlight)
            {
                assertTrue(signing.isPending(prefix), "round " + round + ": " + prefix + " is in flight");
            }
            for (final IpPrefix neighbour : bucketNeighbours(random, inFlight))
            {
                assertFalse(signing.isPending(neighbour), "round " + round + ": " + neighbour +
                    " only shares a filter bucket with a decision in flight");
            }

            signing.signAtMost(Integer.MAX_VALUE);
            final int release = 1 + random.nextInt(CAPACITY);
            for (int i = 0; i < release; i++)
            {
                signing.signedHead();
                signing.release();
                final IpPrefix released = inFlight.removeFirst();
                assertEquals(inFlight.contains(released), signing.isPending(released),
                    "round " + round + ": " + released + " released");
            }
        }
        assertTrue(handed > 20 * CAPACITY, "the slots wrapped: " + handed + " hand-overs");
        while (!inFlight.isEmpty())
        {
            signing.signedHead();
            signing.release();
            inFlight.removeFirst();
        }
        for (final IpPrefix prefix : everHanded)
        {
            assertFalse(signing.isPending(prefix), prefix + " released long ago");
        }
    }

    /** For some decisions in flight, another prefix whose hash falls in the same filter bucket. */
    private static List<IpPrefix> bucketNeighbours(final Random random, final ArrayDeque<IpPrefix> inFlight)
    {
        final List<IpPrefix> neighbours = new ArrayList<>();
        int tries = 0;
        for (final IpPrefix target : inFlight)
        {
            if (neighbours.size() == 4)
            {
                break;
            }
            final int bucket = target.hashCode() & (BUCKETS - 1);
            while (tries++ < 4_000_000)
            {
                final IpPrefix candidate = randomPrefix(random);
                if ((candidate.hashCode() & (BUCKETS - 1)) == bucket && !inFlight.contains(candidate))
                {
                    neighbours.add(candidate);
                    break;
                }
            }
        }
        assertEquals(4, neighbours.size(), "found bucket neighbours");
        return neighbours;
    }

    private static IpPrefix randomPrefix(final Random random)
    {
        // 2001:db8:RRRR:RRRR::/64, documentation space: enough values for bucket neighbours.
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        final int bits = random.nextInt();
        address[4] = (byte)(bits >>> 24);
        address[5] = (byte)(bits >>> 16);
        address[6] = (byte)(bits >>> 8);
        address[7] = (byte)bits;
        return new IpPrefix().set(AddressFamily.IPV6, address, 64);
    }
}
