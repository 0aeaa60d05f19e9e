package io.blocksync.daemon.table;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A protected IPv4 prefix is protected in each IPv6 spelling that embeds it (IPv4-compatible, IPv4-mapped, SIIT,
 * 6to4, NAT64), for local decisions and peers' records alike; IPv6 bans elsewhere still apply.
 */
class ProtectedSpellingsTest
{
    private static final long NOW = 1_764_000_000_000L;
    private static final long SSH = ReasonCode.of("ssh").id();
    private static final List<String> PROTECTED = List.of(
        "192.0.2.7", "198.51.100.200", "203.0.113.1", "10.255.0.1", "100.64.0.0/24");
    private static final List<String> WHY = List.of(
        "peer node2", "peer node3", "this node's listen address", "address of this host on eth0", "allow-list");

    @TempDir
    Path dir;

    private BanStore store;
    private BanTable table;
    private BanPolicy policy;
    private NodeCounters counters;
    private int sequence;

    @BeforeEach
    void open() throws Exception
    {
        store = BanStore.openForDaemon(dir.resolve("state"), 10_000);
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(new byte[256 * CountersReader.METADATA_LENGTH]),
            new UnsafeBuffer(new byte[256 * CountersReader.COUNTER_LENGTH])));
        final List<IpPrefix> prefixes = new ArrayList<>();
        for (final String text : PROTECTED)
        {
            prefixes.add(prefix(text));
        }
        prefixes.add(prefix("2001:db8:ffff::1"));
        final List<String> why = new ArrayList<>(WHY);
        why.add("peer node4");
        // Short IPv6 minimum, so prefixes covering a whole spelling block reach the protection check.
        policy = new BanPolicy(prefixes, why, 8, 8, 86_400, 1_000_000);
        table = new BanTable(store, policy, counters, 30L * 86_400_000, 300_000,
            new HybridLogicalClock(() -> NOW, 300_000, counters.clockRefusedFutureHlc));
    }

    @AfterEach
    void close() throws Exception
    {
        store.close();
    }

    @Test
    void everySpellingOfEveryProtectedAddressIsRefusedLocallyAndFromPeers()
    {
        long refused = 0;
        for (int i = 0; i < PROTECTED.size(); i++)
        {
            final IpPrefix v4 = prefix(PROTECTED.get(i));
            for (final String spelling : spellings(v4))
            {
                assertEquals(BanOutcome.PROTECTED, remote(spelling), spelling + " from a peer");
                assertEquals(BanOutcome.PROTECTED, local(spelling), spelling + " decided here");
                refused += 2;
                assertEquals(refused, counters.refusedProtected.get(), spelling);
                final String why = policy.whyProtected(prefix(spelling));
                assertEquals(WHY.get(i), why.substring(0, Math.min(why.length(), WHY.get(i).length())), spelling);
            }
        }
        assertEquals(0, store.size(), "nothing stored");
        assertEquals("peer node2, in its NAT64 IPv6 spelling", policy.whyProtected(prefix("64:ff9b::192.0.2.7")));
        assertEquals("peer node2, in its 6to4 IPv6 spelling", policy.whyProtected(prefix("2002:c000:207:1::/64")));
    }

    @Test
    void prefixesCoveringASpellingAreRefused()
    {
        final List<String> covering = List.of(
            "::192.0.2.0/120", "::/96", "::/64",
            "::ffff:0:192.0.2.0/120", "::ffff:0:0:0/96",
            "::fffe:0:0/95",
            "2002:c000::/24", "2002::/16", "2000::/8",
            "64:ff9b::c000:0/112", "64:ff9b::/96", "64:ff9b::/32",
            "::a00:0/104", "2002:6440::/40", "64:ff9b::6440:0/120");
        for (final String text : covering)
        {
            assertEquals(BanOutcome.PROTECTED, remote(text), text + " from a peer");
            assertEquals(BanOutcome.PROTECTED, local(text), text + " decided here");
        }
        assertEquals(2L * covering.size(), counters.refusedProtected.get());
    }

    @Test
    void unrelatedIpv6BansStillApply()
    {
        final List<String> unrelated = List.of(
            "2001:db8::/64", "2001:db8:1::5", "::198.51.100.7", "::ffff:0:203.0.113.9", "2002:cb00:7109::/48",
            "64:ff9b::203.0.113.9", "64:ff9b:1::192.0.2.7", "2002:c000:206::/48", "::1:192.0.2.7",
            "64:ff9b::100.64.1.0/120");
        for (final String text : unrelated)
        {
            assertEquals(BanOutcome.APPLIED, remote(text), text + " from a peer");
        }
        assertEquals(BanOutcome.APPLIED, local("2001:db8:2::/64"));
        assertEquals(0, counters.refusedProtected.get());
        assertNull(policy.whyProtected(prefix("2002:cb00:7109::/48")));
        assertEquals(BanOutcome.PROTECTED, remote("2001:db8:ffff::/48"), "IPv6 protection as before");
    }

    /**
     * Seeded property: for random IPv6 bans near the spelling blocks, the verdict equals a brute-force check against
     * every spelling written out bit by bit.
     */
    @Test
    void verdictMatchesEverySpellingWrittenOut()
    {
        final Random random = new Random(9);
        final List<IpPrefix> v4 = new ArrayList<>();
        for (final String text : PROTECTED)
        {
            v4.add(prefix(text));
        }
        final List<byte[]> spelled = new ArrayList<>();
        final List<Integer> spelledLengths = new ArrayList<>();
        for (final IpPrefix p : v4)
        {
            for (int kind = 0; kind < 5; kind++)
            {
                spelled.add(spell(kind, p));
                spelledLengths.add((kind == 3 ? 16 : 96) + p.prefixLength());
            }
        }

        int protectedSeen = 0;
        for (int n = 0; n < 20_000; n++)
        {
            final byte[] address = spelled.get(random.nextInt(spelled.size())).clone();
            // Flip a random bit in about half the cases, so near misses are tried as well as hits.
            if (random.nextBoolean())
            {
                final int bit = random.nextInt(128);
                address[bit >>> 3] ^= (byte)(0x80 >>> (bit & 7));
            }
            final int length = 8 + random.nextInt(121);
            final IpPrefix ban = new IpPrefix().set(AddressFamily.IPV6, address, length);
            if (ban.family() != AddressFamily.IPV6)
            {
                continue;
            }

            boolean expected = false;
            for (int s = 0; s < spelled.size() && !expected; s++)
            {
                expected = sameBits(address, spelled.get(s), Math.min(length, spelledLengths.get(s)));
            }
            expected |= sameBits(address, prefix("2001:db8:ffff::1").copyAddress(), Math.min(length, 128));
            assertEquals(expected ? BanPolicy.PROTECTED : BanPolicy.ACCEPT, policy.checkPrefix(ban), ban.toString());
            protectedSeen += expected ? 1 : 0;
        }
        assertEquals(true, protectedSeen > 1000 && protectedSeen < 19_000, "both outcomes tried: " + protectedSeen);
    }

    /** The spellings the brief lists, as text: compatible, SIIT, 6to4 (and a /64 in it), NAT64, and mapped-as-IPv6. */
    private static List<String> spellings(final IpPrefix v4)
    {
        final String dotted = AddressText.format(new IpPrefix().set(v4).maskTo(32)).replace("/32", "");
        final int length = v4.prefixLength();
        final int a = v4.addressByte(0);
        final int b = v4.addressByte(1);
        final int c = v4.addressByte(2);
        final int d = v4.addressByte(3);
        final String sixToFour = String.format("2002:%x:%x::", a << 8 | b, c << 8 | d);
        final List<String> texts = new ArrayList<>(List.of(
            "::" + dotted + "/" + (96 + length),
            "::ffff:0:" + dotted + "/" + (96 + length),
            sixToFour + "/" + (16 + length),
            "64:ff9b::" + dotted + "/" + (96 + length)));
        if (length == 32)
        {
            texts.add("::" + dotted);
            texts.add("::ffff:0:" + dotted);
            texts.add(sixToFour + "1");
            texts.add(sixToFour.replace("::", ":ab:") + ":/64");
            texts.add("64:ff9b::" + dotted);
        }
        else
        {
            texts.add("64:ff9b::" + dotted.substring(0, dotted.lastIndexOf('.')) + ".9");
            texts.add("::" + dotted.substring(0, dotted.lastIndexOf('.')) + ".128/121");
        }
        return texts;
    }

    private static byte[] spell(final int kind, final IpPrefix v4)
    {
        final byte[] address = new byte[16];
        final int offset = kind == 3 ? 2 : 12;
        switch (kind)
        {
            case 1: address[10] = (byte)0xFF; address[11] = (byte)0xFF; break;
            case 2: address[8] = (byte)0xFF; address[9] = (byte)0xFF; break;
            case 3: address[0] = 0x20; address[1] = 0x02; break;
            case 4: address[1] = 0x64; address[2] = (byte)0xFF; address[3] = (byte)0x9B; break;
            default: break;
        }
        for (int i = 0; i < 4; i++)
        {
            address[offset + i] = (byte)v4.addressByte(i);
        }
        return address;
    }

    private static boolean sameBits(final byte[] a, final byte[] b, final int bits)
    {
        for (int bit = 0; bit < bits; bit++)
        {
            final int mask = 0x80 >>> (bit & 7);
            if ((a[bit >>> 3] & mask) != (b[bit >>> 3] & mask))
            {
                return false;
            }
        }
        return true;
    }

    private int remote(final String text)
    {
        final Ban record = new Ban().action(BanAction.BAN).prefix(prefix(text)).originNodeId(2)
            .originSequence(++sequence).originTimeMillis(NOW).durationSeconds(600).reason(SSH);
        return table.applyRemote(record, NOW);
    }

    private int local(final String text)
    {
        final Ban request = new Ban().action(BanAction.BAN).prefix(prefix(text)).originNodeId(1)
            .originSequence(++sequence).durationSeconds(600).reason(SSH);
        return table.decideLocal(request, NOW);
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(text + ": " + error);
        }
        return prefix;
    }
}
