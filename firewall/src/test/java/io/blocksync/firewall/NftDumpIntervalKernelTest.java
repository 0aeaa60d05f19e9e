package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The full check's nf_tables dump of an interval set ({@link NftListingReader}: start and end elements paired back
 * into prefixes) against the real kernel and {@code nft -j list set}, the tool's own reading of the same set: a /24
 * and a /32 written by the backend, a /25 without timeout and a /32 added by hand, and a range that is no prefix
 * (192.0.2.10-192.0.2.20), which the dump must leave out (it is not ours).
 */
class NftDumpIntervalKernelTest
{
    private static final String SET = "ban4";
    private static final Pattern PREFIX = Pattern.compile("\"prefix\": \\{\"addr\": \"([0-9a-f.:]+)\", \"len\": (\\d+)\\}");
    private static final Pattern ADDRESS = Pattern.compile("^(?:\\{\"elem\": \\{\"val\": )?\"([0-9a-f.:]+)\"");
    private static final Pattern EXPIRES = Pattern.compile("\"expires\": (\\d+)");
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("nft");
    private static NamespacePair net;

    @BeforeEach
    void cleanKernel()
    {
        net = NAMESPACES.pair();
        assumeTrue(null == io.blocksync.nativeio.NftSetDump.unavailableReason() &&
            io.blocksync.nativeio.NftablesSession.available(), "needs the JNI library and libnftables");
        net.inProtected("nft", "delete", "table", "inet", "blocksync");
    }

    @Test
    void theDumpOfAnIntervalSetListsWhatNftListsSkippingARangeThatIsNoPrefix()
    {
        final NftablesBackend backend = new NftablesBackend(NftablesSettings.managed("blocksync")
            .commandPrefix(net.inProtected()).networkNamespace(net.protectedPath()));
        backend.start();
        try
        {
            final FirewallChange net24 = Bans.add("198.51.100.0/24", 3_600);
            final FirewallChange host = Bans.add("203.0.113.7", 7_200);
            net24.object = "inet blocksync " + SET;
            host.object = "inet blocksync " + SET;
            backend.apply(List.of(net24, host));
            net.inProtected("nft", "add", "element", "inet", "blocksync", SET,
                "{ 203.0.113.128/25, 192.0.2.77 timeout 1h, 192.0.2.10-192.0.2.20 timeout 1h }");

            final Map<IpPrefix, Long> expected = new HashMap<>();
            final int ranges = parseJson(net.inProtected("nft", "-j", "list", "set", "inet", "blocksync", SET)
                .stdout(), expected);
            assertEquals(1, ranges, "the hand-made range is listed by nft as a range");
            assertEquals(4, expected.size(), expected.toString());

            final KernelListing listing;
            try (KernelReader reader = backend.openReader())
            {
                assertEquals("nf_tables netlink dump socket", reader.description());
                listing = reader.list();
            }
            final int object = listing.indexOf("inet blocksync " + SET);
            assertNotEquals(-1, object);
            assertEquals(expected.size(), listing.elementCount(object), "every prefix, no range");
            final ElementKey key = new ElementKey();
            for (final Map.Entry<IpPrefix, Long> entry : expected.entrySet())
            {
                final long left = listing.exact(object, key.set(entry.getKey()));
                assertNotEquals(KernelListing.ABSENT, left, entry.getKey() + " missing from the dump");
                if (KernelListing.PERMANENT == entry.getValue())
                {
                    assertEquals(KernelListing.PERMANENT, left, entry.getKey() + " has no timeout");
                }
                else
                {
                    assertTrue(Math.abs(left - entry.getValue()) <= 2, entry.getKey() + ": dump " + left +
                        " s left, nft " + entry.getValue());
                }
            }
        }
        finally
        {
            backend.close();
        }
    }

    /**
     * @return how many ranges that are no prefix the listing holds; the prefixes go into {@code into} with their
     * seconds left ({@link KernelListing#PERMANENT} without a timeout).
     */
    private static int parseJson(final String json, final Map<IpPrefix, Long> into)
    {
        final int start = json.indexOf("\"elem\": [") + "\"elem\": [".length();
        int ranges = 0;
        for (final String item : topLevelItems(json, start))
        {
            if (item.contains("\"range\""))
            {
                ranges++;
                continue;
            }
            final Matcher prefix = PREFIX.matcher(item);
            final Matcher address = ADDRESS.matcher(item);
            final String text = prefix.find() ? prefix.group(1) + "/" + prefix.group(2) :
                address.find() ? address.group(1) + "/32" : null;
            assertTrue(null != text, item);
            final Matcher expires = EXPIRES.matcher(item);
            into.put(Bans.prefix(text), expires.find() ? Long.parseLong(expires.group(1)) : KernelListing.PERMANENT);
        }
        return ranges;
    }

    private static List<String> topLevelItems(final String json, final int start)
    {
        final List<String> items = new ArrayList<>();
        int depth = 0;
        int itemStart = start;
        for (int i = start; i < json.length(); i++)
        {
            final char c = json.charAt(i);
            if ('{' == c || '[' == c)
            {
                depth++;
            }
            else if ((('}' == c || ']' == c) && 0 == depth--) || (',' == c && 0 == depth))
            {
                items.add(json.substring(itemStart, i).trim());
                if (',' != c)
                {
                    return items;
                }
                itemStart = i + 1;
            }
        }
        return items;
    }
}
