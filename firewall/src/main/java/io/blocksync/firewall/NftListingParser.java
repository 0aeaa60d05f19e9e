package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

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
     * @param addressLength length given to elements written without one: 32/128 for host sets, 64 for the /64 set;
     *                      0 keeps the family's full length.
     * @return prefix to seconds left; elements that are not prefixes (ranges) are skipped, they are not ours.
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
        final int v4 = addressLength > 0 && addressLength <= 32 ? addressLength : 32;
        final int v6 = addressLength > 0 ? addressLength : 128;
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
            if (0 == words.length || words[0].isEmpty() || null != AddressText.parse(words[0], prefix, v4, v6))
            {
                continue;
            }
            long left = KernelListing.PERMANENT;
            for (int i = 0; i + 1 < words.length; i++)
            {
                if ("expires".equals(words[i]))
                {
                    left = seconds(words[i + 1]);
                }
            }
            listing.add(object, prefix.maskTo(prefix.prefixLength()), left);
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
