package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the elements of {@code nft list set FAMILY TABLE SET}: {@code elements = { 192.0.2.2 timeout 1h expires
 * 59m58s120ms, 198.51.100.0/24, ... }}, each element with its time left ({@code expires}, rounded down to seconds) or
 * {@link KernelListing#PERMANENT} without one.
 */
final class NftListingParser
{
    private NftListingParser()
    {
    }

    /**
     * @param output        the listing.
     * @param addressLength length an aligned element written without one stands for: 64 for the /64 set (an
     *                      address with host bits set keeps its full length, see {@link #standFor}); 0 keeps the
     *                      family's full length.
     * @return prefix to seconds left; intervals that are not prefixes (ranges) are left out.
     */
    static Map<IpPrefix, Long> parse(final String output, final int addressLength)
    {
        final KernelListing listing = new KernelListing();
        addTo(listing, "", output, addressLength);
        final Map<IpPrefix, Long> elements = new HashMap<>();
        final ElementKey key = new ElementKey();
        final byte[] scratch = new byte[16];
        for (int object = 0; object < listing.objectCount(); object++)
        {
            for (int i = 0, count = listing.elementCount(object); i < count; i++)
            {
                listing.element(object, i, key);
                elements.put(ElementKey.toPrefix(key.high, key.low, key.prefixBits, new IpPrefix(), scratch),
                    listing.secondsLeft(object, i));
            }
        }
        return elements;
    }

    /**
     * Declare the object in the listing and add the elements of its {@code nft list set} output (no map in between:
     * the process path's listing is as flat as the dump's).
     *
     * @param addressLength as {@link #parse(String, int)}.
     */
    static void addTo(final KernelListing listing, final String object, final String output, final int addressLength)
    {
        listing.object(object);
        final int start = output.indexOf("elements = {");
        if (start < 0)
        {
            return;
        }
        final int end = output.indexOf('}', start);
        final IpPrefix prefix = new IpPrefix();
        final IpPrefix aligned = new IpPrefix();
        int from = start + "elements = {".length();
        final int stop = end < 0 ? output.length() : end;
        while (from < stop)
        {
            int comma = output.indexOf(',', from);
            if (comma < 0 || comma > stop)
            {
                comma = stop;
            }
            final String[] words = output.substring(from, comma).trim().split("\\s+");
            from = comma + 1;
            if (0 == words.length || words[0].isEmpty())
            {
                continue;
            }
            final int dash = words[0].indexOf('-');
            if (dash > 0)
            {
                addRange(listing, object, words[0], dash, prefix);
                continue;
            }
            if (null != AddressText.parse(words[0], prefix, 32, 128))
            {
                continue;
            }
            if (words[0].indexOf('/') < 0)
            {
                standFor(prefix, addressLength, aligned);
            }
            long left = KernelListing.PERMANENT;
            for (int i = 0; i + 1 < words.length; i++)
            {
                if ("expires".equals(words[i]))
                {
                    left = seconds(words[i + 1]);
                }
            }
            listing.add(object, prefix, left);
        }
    }

    /**
     * {@code first-last}: an interval that is not a prefix (nft lists prefixes as such); kept in canonical text.
     */
    private static void addRange(
        final KernelListing listing, final String object, final String word, final int dash, final IpPrefix scratch)
    {
        final StringBuilder range = new StringBuilder(word.length());
        if (null != AddressText.parse(word.substring(0, dash), scratch, 32, 128))
        {
            return;
        }
        AddressText.append(scratch, range);
        if (null != AddressText.parse(word.substring(dash + 1), scratch, 32, 128))
        {
            return;
        }
        AddressText.append(scratch, range.append('-'));
        listing.addRange(object, range.toString());
    }

    /**
     * A bare address in a set matched through a mask (the /64 set) stands for its prefix of {@code addressLength}
     * only when its host bits are clear, as blocksync writes it; any other address was added by someone else and is
     * kept at full length, exactly as listed, so that deleting it deletes what the kernel holds.
     *
     * @param prefix        the address at full length; shortened in place when aligned.
     * @param addressLength 0 for none, else the length the set's elements stand for.
     */
    static void standFor(final IpPrefix prefix, final int addressLength, final IpPrefix scratch)
    {
        if (addressLength <= 0 || addressLength >= prefix.prefixLength())
        {
            return;
        }
        scratch.set(prefix).maskTo(addressLength);
        if (Arrays.equals(scratch.copyAddress(), prefix.copyAddress()))
        {
            prefix.set(scratch);
        }
    }

    /**
     * @param text e.g. {@code 2d23h59m59s876ms}.
     */
    static long seconds(final String text)
    {
        long seconds = 0;
        long number = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c >= '0' && c <= '9')
            {
                number = number * 10 + (c - '0');
                continue;
            }
            if ('m' == c && i + 1 < text.length() && 's' == text.charAt(i + 1))
            {
                i++;
            }
            else
            {
                seconds += number * ('d' == c ? 86_400 : 'h' == c ? 3_600 : 'm' == c ? 60 : 's' == c ? 1 : 0);
            }
            number = 0;
        }

        return seconds;
    }
}
