package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The off-heap set model ({@link NftSetModel} over {@link NftElementStore}) writes exactly what the TreeMap model it
 * replaced ({@link TreeNftSetModel}) wrote, for seeded random adds, refreshes, removals, expiries, listings adopted,
 * commits, aborted transactions and rewrites, over prefixes nested up to five deep in interval sets (so containers
 * are lifted and re-covered) and over host addresses in plain sets.
 */
class NftSetModelPropertyTest
{
    private static final String REFERENCE = "inet blocksync ban4";
    private static final int[] LENGTHS = {16, 20, 24, 28, 32};

    @ParameterizedTest
    @CsvSource({"true, 1", "true, 2", "true, 3", "false, 4", "false, 5"})
    void writesWhatTheTreeMapModelWrote(final boolean interval, final long seed)
    {
        final Random random = new Random(20261201L * seed);
        final NftSetModel model = new NftSetModel(REFERENCE, interval, false);
        final TreeNftSetModel reference = new TreeNftSetModel(REFERENCE, interval, false);
        final List<String> written = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final NftElementSink sink = new NftElementSink()
        {
            public void flush(final NftSetModel set)
            {
                written.add("flush");
            }

            public void remove(final NftSetModel set, final List<IpPrefix> prefixes)
            {
                prefixes.forEach((prefix) -> written.add("remove " + prefix));
            }

            public void add(final NftSetModel set, final List<NftElement> elements, final long nowMs)
            {
                elements.forEach((element) -> written.add("add " + element.prefix + " " + element.deadlineMs));
            }
        };
        final TreeNftSetModel.Sink referenceSink = new TreeNftSetModel.Sink()
        {
            public void flush()
            {
                expected.add("flush");
            }

            public void remove(final List<IpPrefix> prefixes)
            {
                prefixes.forEach((prefix) -> expected.add("remove " + prefix));
            }

            public void add(final List<NftElement> elements, final long nowMs)
            {
                elements.forEach((element) -> expected.add("add " + element.prefix + " " + element.deadlineMs));
            }
        };

        long nowMs = 1_000_000;
        final IpPrefix prefix = new IpPrefix();
        for (int step = 0; step < 20_000; step++)
        {
            nowMs += random.nextInt(400);
            randomPrefix(random, interval, prefix);
            final int op = random.nextInt(100);
            if (op < 55)
            {
                final long timeout = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(60);
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
                    listing.add(REFERENCE, randomPrefix(random, interval, new IpPrefix()), random.nextInt(100));
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
        }
    }

    /**
     * Interval sets: 10.0.0.0/16 and prefixes inside it down to /32; plain sets: hosts of 10.0.0.0/22.
     */
    private static IpPrefix randomPrefix(final Random random, final boolean interval, final IpPrefix into)
    {
        final byte[] address = new byte[16];
        address[0] = 10;
        address[2] = (byte)random.nextInt(interval ? 4 : 4);
        address[3] = (byte)random.nextInt(256);
        final int length = interval ? LENGTHS[random.nextInt(LENGTHS.length)] : 32;
        return into.set(AddressFamily.IPV4, address, 32).maskTo(length);
    }
}
