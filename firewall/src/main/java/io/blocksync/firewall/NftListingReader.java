package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.NftSetDump;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The nftables backend's full listing on a session of its own ({@link KernelReader}), so the worker keeps committing
 * while it runs: with the library session, a {@code NETLINK_NETFILTER} socket of its own dumping each set's elements
 * ({@link NftSetDump}; not libnftables, whose listing starts over at every ruleset change and so never ends under a
 * steady flow of commits); on the tool path, {@code nft list set ...} processes of their own (they can take longer
 * under heavy commit traffic, for that reason). Interval sets list each interval as a start and an end element
 * ({@code NFT_SET_ELEM_INTERVAL_END}); they are paired back into prefixes, and ranges that are not prefixes listed as
 * ranges (someone else's: blocksync writes prefixes). One thread at a time.
 */
final class NftListingReader implements KernelReader
{
    private static final long ALL_ONES = -1L;

    private final List<NftSetModel> sets;
    private final NftSets routing;
    private final NftSetDump dump;
    private final ScriptChannel process;
    private final Tool nft;
    private final ElementKey key = new ElementKey();

    /**
     * @param dump    the dump socket, or null to list through {@code process}.
     * @param process the tool path ({@code nft list set} per set), used without a dump socket.
     */
    NftListingReader(final NftSets routing, final NftSetDump dump, final ScriptChannel process, final Tool nft)
    {
        this.routing = routing;
        this.sets = routing.all();
        this.dump = dump;
        this.process = process;
        this.nft = nft;
    }

    @Override
    public KernelListing list()
    {
        final KernelListing listing = new KernelListing();
        for (final NftSetModel set : sets)
        {
            if (null == dump)
            {
                final String[] words = set.reference().split(" ");
                final CommandResult result = process.query(false, "list", "set", words[0], words[1], words[2]);
                if (0 != result.exitStatus())
                {
                    throw new FirewallException(NftErrors.describe(nft, result));
                }
                NftListingParser.addTo(listing, set.reference(), result.output(), routing.addressLength(set));
            }
            else
            {
                dumpSet(listing, set);
            }
        }
        return listing;
    }

    /** Nice 19 for the listing thread, and so for the {@code nft} processes it starts on the tool path. */
    @Override
    public void background()
    {
        NftSetDump.background();
    }

    @Override
    public String description()
    {
        return null == dump ? "nft list set processes" : "nf_tables netlink dump socket";
    }

    @Override
    public void close()
    {
        if (null != dump)
        {
            dump.close();
        }
    }

    private void dumpSet(final KernelListing listing, final NftSetModel set)
    {
        final String[] words = set.reference().split(" ");
        final NftSetDump.Listing elements;
        try
        {
            elements = dump.dump(NftSetDump.family(words[0]), words[1], words[2]);
        }
        catch (final IOException ex)
        {
            throw new FirewallException("listing nftables set " + set.reference() + ": " + ex.getMessage(), ex);
        }
        listing.object(set.reference());
        if (elements.interrupted())
        {
            listing.inconsistent();
        }
        final int addressLength = routing.addressLength(set);
        if (set.interval())
        {
            intervals(listing, set.reference(), elements);
            return;
        }
        for (int i = 0, size = elements.size(); i < size; i++)
        {
            final int keyLength = elements.keyLength(i);
            if (4 != keyLength && 16 != keyLength)
            {
                continue;
            }
            final int family = 4 == keyLength ? 4 : 6;
            final int length = addressLength > 0 ? addressLength : 8 * keyLength;
            listing.add(set.reference(), masked(elements, i, family, length, 8 * keyLength),
                secondsLeft(elements.millisLeft(i)));
        }
    }

    /**
     * Sort start and end elements by address (an end before a start at the same address), pair each start with the
     * next end: [start, end) is a prefix when its size is a power of two it is aligned to; a start without an end
     * runs to the family's last address.
     */
    private void intervals(final KernelListing listing, final String object, final NftSetDump.Listing elements)
    {
        final int size = elements.size();
        final Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++)
        {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) ->
        {
            final int byHigh = Long.compareUnsigned(word(elements, a, 0), word(elements, b, 0));
            if (0 != byHigh)
            {
                return byHigh;
            }
            final int byLow = Long.compareUnsigned(word(elements, a, 8), word(elements, b, 8));
            return 0 != byLow ? byLow : Integer.compare(isEnd(elements, b) ? 1 : 0, isEnd(elements, a) ? 1 : 0);
        });

        int start = -1;
        for (int k = 0; k < size; k++)
        {
            final int element = order[k];
            if (!isEnd(elements, element))
            {
                if (start >= 0)
                {
                    pair(listing, object, elements, start, -1);
                }
                start = element;
            }
            else if (start >= 0)
            {
                pair(listing, object, elements, start, element);
                start = -1;
            }
        }
        if (start >= 0)
        {
            pair(listing, object, elements, start, -1);
        }
    }

    /**
     * @param end the end element, or -1 for an interval reaching the family's last address.
     */
    private void pair(
        final KernelListing listing, final String object, final NftSetDump.Listing elements, final int start, final int end)
    {
        final int keyLength = elements.keyLength(start);
        if (4 != keyLength && 16 != keyLength)
        {
            return;
        }
        final long high = word(elements, start, 0);
        final long low = word(elements, start, 8);
        final long endHigh = end < 0 ? 0 : word(elements, end, 0);
        final long endLow = end < 0 ? 0 : word(elements, end, 8);
        final int bits = 8 * keyLength;
        for (int length = bits; length >= 0; length--)
        {
            // The prefix's size in the 128-bit field, addresses top-aligned: 2^(128 - length).
            final int hostBits = 128 - length;
            if (0 != (high & hostMask(hostBits - 64)) || 0 != (low & hostMask(hostBits)))
            {
                break;
            }
            long nextLow = low;
            long nextHigh = high;
            if (hostBits >= 128)
            {
                nextHigh = 0;
                nextLow = 0;
            }
            else if (hostBits >= 64)
            {
                nextHigh = high + (1L << (hostBits - 64));
            }
            else
            {
                nextLow = low + (1L << hostBits);
                if (Long.compareUnsigned(nextLow, low) < 0)
                {
                    nextHigh++;
                }
            }
            final boolean wrapped = (high | hostMask(hostBits - 64)) == ALL_ONES &&
                (low | hostMask(hostBits)) == ALL_ONES;
            if (end < 0 ? wrapped : !wrapped && nextHigh == endHigh && nextLow == endLow)
            {
                key.set(high, low, (4 == keyLength ? 4 : 6) << 8 | length);
                listing.add(object, key, secondsLeft(elements.millisLeft(start)));
                return;
            }
        }
        // Not a prefix: someone else's range, listed as nft writes it so that it can be deleted as it is.
        final int family = 4 == keyLength ? 4 : 6;
        long lastHigh = end < 0 ? (4 == keyLength ? 0xFFFF_FFFF_0000_0000L : ALL_ONES) : endHigh;
        long lastLow = end < 0 ? (4 == keyLength ? 0 : ALL_ONES) : endLow;
        if (end >= 0)
        {
            // The end element is the first address after the interval; IPv4 sits in the top 32 bits of high.
            if (4 == keyLength)
            {
                lastHigh -= 1L << 32;
            }
            else
            {
                lastHigh -= 0 == lastLow ? 1 : 0;
                lastLow--;
            }
        }
        final StringBuilder range = new StringBuilder(2 * 40);
        AddressText.appendAddress(family, bytes(high, low), range);
        AddressText.appendAddress(family, bytes(lastHigh, lastLow), range.append('-'));
        listing.addRange(object, range.toString());
    }

    private static byte[] bytes(final long high, final long low)
    {
        final byte[] address = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            address[i] = (byte)(high >>> (56 - 8 * i));
            address[8 + i] = (byte)(low >>> (56 - 8 * i));
        }
        return address;
    }

    /**
     * An address stands for its prefix of {@code length} only when its host bits are clear, as blocksync writes it;
     * any other (added by someone else) keeps its full length, exactly as listed, so deleting it hits it.
     */
    private ElementKey masked(
        final NftSetDump.Listing elements, final int element, final int family, final int length, final int fullLength)
    {
        // Addresses sit top-aligned in the 128-bit field (IPv4 in its first 4 bytes), as ElementKey packs them.
        final int hostBits = 128 - length;
        final long high = word(elements, element, 0);
        final long low = word(elements, element, 8);
        final boolean aligned = 0 == (high & hostMask(hostBits - 64)) && 0 == (low & hostMask(hostBits));
        return key.set(high, low, family << 8 | (aligned ? length : fullLength));
    }

    /**
     * @return a mask of the low {@code bits} bits of a word (none for ≤ 0, all for ≥ 64).
     */
    private static long hostMask(final int bits)
    {
        return bits <= 0 ? 0 : bits >= 64 ? ALL_ONES : (1L << bits) - 1;
    }

    private static boolean isEnd(final NftSetDump.Listing elements, final int element)
    {
        return 0 != (elements.flags(element) & NftSetDump.INTERVAL_END);
    }

    private static long word(final NftSetDump.Listing elements, final int element, final int from)
    {
        long word = 0;
        for (int i = from; i < from + 8; i++)
        {
            word = word << 8 | elements.keyByte(element, i);
        }
        return word;
    }

    private static long secondsLeft(final long millisLeft)
    {
        return millisLeft < 0 ? KernelListing.PERMANENT : millisLeft / 1000;
    }
}
