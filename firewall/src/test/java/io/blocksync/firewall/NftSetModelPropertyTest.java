package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The off-heap set model ({@link NftSetModel} over {@link NftElementStore}) writes exactly what the TreeMap model it
 * replaced ({@link TreeNftSetModel}) wrote, for seeded random adds, refreshes, removals, expiries, listings adopted,
 * commits, aborted transactions and rewrites, over prefixes nested up to five deep in interval sets (so containers
 * are lifted and re-covered; {@link NftElementStore}) and over host addresses and IPv6 /64s in plain sets
 * ({@link NftElementHash}, grown past several doublings and emptied by removals that move its last entry). A plain
 * set's rewrite may list its elements in any order (the kernel's set has none): those are compared sorted.
 */
class NftSetModelPropertyTest
{
    private static final String REFERENCE = "inet blocksync ban4";
    private static final int[] LENGTHS = {16, 20, 24, 28, 32};

    @ParameterizedTest
    @CsvSource({"true, 1, 0", "true, 2, 0", "true, 3, 0", "false, 4, 0", "false, 5, 0", "false, 6, 4096",
        "false, 7, 65536"})
    void writesWhatTheTreeMapModelWrote(final boolean interval, final long seed, final int v6Networks)
    {
        final Random random = new Random(20261201L * seed);
        final NftSetModel model = new NftSetModel(REFERENCE, interval, false);
        final TreeNftSetModel reference = new TreeNftSetModel(REFERENCE, interval);
        final List<String> written = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final NftElementSink sink = recording(written);
        final NftElementSink referenceSink = recording(expected);

        long nowMs = 1_000_000;
        int largest = 0;
        final IpPrefix prefix = new IpPrefix();
        for (int step = 0; step < 40_000; step++)
        {
            nowMs += random.nextInt(400);
            randomPrefix(random, interval, v6Networks, prefix);
            final int op = random.nextInt(100);
            if (op < 55)
            {
                // The /64 cases hold bans for up to 50 minutes (~15,000 steps): thousands live at once.
                final long timeout = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(v6Networks > 0 ? 3_000 : 60);
                model.add(prefix, timeout, nowMs);
                reference.add(prefix, timeout, nowMs);
            }
            else if (op < 85)
            {
                model.remove(prefix, nowMs);
                reference.remove(prefix, nowMs);
            }
            else if (op < 87)
            {
                model.rewriteNext();
                reference.rewriteNext();
            }
            else if (op < 88)
            {
                final KernelListing listing = new KernelListing();
                listing.object(REFERENCE);
                for (int i = random.nextInt(30); i > 0; i--)
                {
                    listing.add(REFERENCE, randomPrefix(random, interval, v6Networks, new IpPrefix()),
                        random.nextInt(100));
                }
                model.adopt(listing, listing.indexOf(REFERENCE), KernelListing.Changed.NONE, nowMs);
                reference.adopt(listing, listing.indexOf(REFERENCE), KernelListing.Changed.NONE, nowMs);
            }
            else
            {
                assertEquals(reference.hasWork(), model.hasWork(), "step " + step);
                if (model.hasWork())
                {
                    model.emit(sink, nowMs);
                    reference.emit(referenceSink, nowMs);
                    if (!interval && !expected.isEmpty() && "flush".equals(expected.get(0)))
                    {
                        Collections.sort(expected);
                        Collections.sort(written);
                    }
                    assertEquals(expected, written, "step " + step);
                    written.clear();
                    expected.clear();
                    if (random.nextInt(5) == 0)
                    {
                        model.abort();
                        reference.abort();
                    }
                    else
                    {
                        model.commit();
                        reference.commit();
                    }
                }
            }
            assertEquals(reference.size(), model.size(), "step " + step);
            largest = Math.max(largest, model.size());
        }
        assertTrue(0 == v6Networks || largest > 1_000, largest + " elements at most: the store never grew");
    }

    private static NftElementSink recording(final List<String> lines)
    {
        return new NftElementSink()
        {
            public void flush(final NftSetModel set)
            {
                lines.add("flush");
            }

            public void remove(final NftSetModel set, final NftElementList elements)
            {
                for (int i = 0; i < elements.size(); i++)
                {
                    lines.add("remove " + elements.prefix(i, new IpPrefix()));
                }
            }

            public void add(final NftSetModel set, final NftElementList elements, final long nowMs)
            {
                for (int i = 0; i < elements.size(); i++)
                {
                    lines.add("add " + elements.prefix(i, new IpPrefix()) + " " + elements.deadlineMs(i));
                }
            }
        };
    }

    /**
     * Interval sets: 10.0.0.0/16 and prefixes inside it down to /32; plain sets: hosts of 10.0.0.0/22, or with
     * {@code v6Networks} the first that many /64s of 2001:db8::/32.
     */
    private static IpPrefix randomPrefix(
        final Random random, final boolean interval, final int v6Networks, final IpPrefix into)
    {
        final byte[] address = new byte[16];
        if (v6Networks > 0)
        {
            final int network = random.nextInt(v6Networks);
            address[0] = 0x20;
            address[1] = 0x01;
            address[2] = 0x0d;
            address[3] = (byte)0xb8;
            address[6] = (byte)(network >>> 8);
            address[7] = (byte)network;
            return into.set(AddressFamily.IPV6, address, 64);
        }
        address[0] = 10;
        address[2] = (byte)random.nextInt(interval ? 4 : 4);
        address[3] = (byte)random.nextInt(256);
        final int length = interval ? LENGTHS[random.nextInt(LENGTHS.length)] : 32;
        return into.set(AddressFamily.IPV4, address, 32).maskTo(length);
    }
}
