package io.blocksync.codec;

import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.List;

import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Generators for the codec's properties: canonical prefixes of both families, reasons by {@link ReasonCode}'s rule,
 * and well-formed bans. Each value is built through the public API (IpPrefix, Ban), never from literal offsets.
 * <p>
 * QuickTheories tries only the all-minimum and all-maximum samples as edges, so numbers and list sizes come from
 * {@link #edgy}: one draw in eight is an edge of its range (the ends, their neighbours, 0 and +-1), the rest uniform.
 */
final class CodecGens
{
    /** Origin times up to the year 2500 or so: positive, far beyond any clock, still exact in a long. */
    static final long MAX_ORIGIN_TIME_MILLIS = 16_725_225_600_000L;
    static final long MAX_DURATION_SECONDS = 0xFFFF_FFFFL;

    private static final String REASON_FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String REASON_REST = REASON_FIRST + "_.-/";

    private CodecGens()
    {
    }

    /** Any long in [min, max], an edge of the range one time in eight. */
    static Gen<Long> edgy(final long min, final long max)
    {
        final List<Long> edges = new ArrayList<>();
        for (final long edge : new long[]{ min, max, min + 1, max - 1, 0, 1, -1 })
        {
            if (edge >= min && edge <= max && !edges.contains(edge))
            {
                edges.add(edge);
            }
        }
        return Generate.frequency(of(7, Generate.longRange(min, max)), of(1, Generate.pick(edges)));
    }

    /** Any int in [min, max], an edge of the range one time in eight. */
    static Gen<Integer> edgyInts(final int min, final int max)
    {
        return edgy(min, max).map(Long::intValue);
    }

    /** Any byte, an edge (0, 1, -1, -128, 127, ...) one time in eight. */
    static Gen<Byte> bytes()
    {
        return edgy(Byte.MIN_VALUE, Byte.MAX_VALUE).map(Long::byteValue);
    }

    /** Lists of {@code element}s, sized uniformly in [minSize, maxSize] except the edge sizes one time in eight. */
    static <T> Gen<List<T>> listsOf(final Gen<T> element, final int minSize, final int maxSize)
    {
        return lists().of(element).ofSizes(edgyInts(minSize, maxSize));
    }

    /**
     * A canonical prefix (host bits zero) of either family; IPv6 addresses are built from groups that are often zero
     * or 0xffff so that zero runs, IPv4-mapped and IPv4-compatible forms come up, not only random noise.
     */
    static Gen<IpPrefix> prefixes()
    {
        return Generate.oneOf(ipv4Prefixes(), ipv6Prefixes());
    }

    static Gen<IpPrefix> ipv4Prefixes()
    {
        final Gen<List<Byte>> addresses = lists().of(bytes()).ofSize(AddressFamily.IPV4_ADDRESS_LENGTH);
        final Gen<Integer> lengths = edgyInts(0, AddressFamily.maxPrefixLength(AddressFamily.IPV4));
        return addresses.zip(lengths, (address, length) -> canonical(AddressFamily.IPV4, toArray(address), length));
    }

    static Gen<IpPrefix> ipv6Prefixes()
    {
        final Gen<Integer> group = Generate.frequency(
            of(4, Generate.constant(0)),
            of(1, Generate.constant(0xFFFF)),
            of(4, edgyInts(0, 0xFFFF)));
        final Gen<List<Integer>> groups = lists().of(group).ofSize(AddressFamily.IPV6_ADDRESS_LENGTH / 2);
        final Gen<Integer> lengths = edgyInts(0, AddressFamily.maxPrefixLength(AddressFamily.IPV6));
        return groups.zip(lengths, (address, length) -> canonical(AddressFamily.IPV6, address(address), length));
    }

    /** 1 to {@link ReasonCode#MAX_LENGTH} characters, a letter or digit first, then letters, digits, '_', '.', '-', '/'. */
    static Gen<ReasonCode> reasons()
    {
        // Two draws (length and a seed for the characters), however long the text: more draws per ban would starve
        // the boundary phase of the assumptions on origin ids.
        final Gen<Integer> lengths = Generate.pick(List.of(1, 3, 8, 9, 15, 32, ReasonCode.MAX_LENGTH))
            .mix(Generate.range(1, ReasonCode.MAX_LENGTH));
        return lengths.zip(Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE), (length, seed) ->
        {
            final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            final StringBuilder text = new StringBuilder().append(REASON_FIRST.charAt(random.nextInt(REASON_FIRST.length())));
            while (text.length() < length)
            {
                text.append(REASON_REST.charAt(random.nextInt(REASON_REST.length())));
            }
            return ReasonCode.of(text.toString());
        });
    }

    /** Any origin id but 0 (which means none on the wire). */
    static Gen<Integer> originNodeIds()
    {
        return edgyInts(Integer.MIN_VALUE, Integer.MAX_VALUE).assuming(id -> id != 0);
    }

    /** Well-formed bans as an origin writes them; an UNBAN carries duration 0. Local fields are left 0. */
    static Gen<Ban> bans()
    {
        return bans(originNodeIds());
    }

    /** As {@link #bans()}, every one from an origin drawn from {@code originNodeIds}. */
    static Gen<Ban> bans(final Gen<Integer> originNodeIds)
    {
        final Gen<BanAction> actions = Generate.enumValues(BanAction.class);
        final Gen<IpPrefix> prefixes = prefixes();
        final Gen<Integer> protocols = edgyInts(0, 0xFF);
        final Gen<Integer> ports = edgyInts(0, 0xFFFF);
        final Gen<Long> sequences = edgy(1, Long.MAX_VALUE);
        final Gen<Long> times = edgy(0, MAX_ORIGIN_TIME_MILLIS);
        final Gen<Long> durations = edgy(0, MAX_DURATION_SECONDS);
        final Gen<ReasonCode> reasons = reasons();
        // Each draw builds a fresh Ban, so no two samples (or shrink steps) share a holder.
        final Gen<Ban> bans = in ->
        {
            final BanAction action = actions.generate(in);
            final Ban ban = new Ban()
                .action(action)
                .prefix(prefixes.generate(in))
                .protocol(protocols.generate(in))
                .port(ports.generate(in))
                .originNodeId(originNodeIds.generate(in))
                .originSequence(sequences.generate(in))
                .originTimeMillis(times.generate(in));
            // A version as an origin's clock makes it, from draws already made: one more draw per ban starves the
            // boundary phase of the assumptions on origin ids.
            ban.version(ban.originTimeMillis() << 16 | ban.originSequence() & 0xFFFF);
            final long duration = durations.generate(in);
            return ban.durationSeconds(action == BanAction.BAN ? duration : 0).reason(reasons.generate(in));
        };
        return bans;
    }

    /** The wire fields of a ban, comparable with equals, for assertions and failure messages. */
    static List<Object> wireFields(final Ban ban)
    {
        return List.of(ban.action(), AddressText.format(ban.prefix()), ban.prefix().family(), ban.protocol(), ban.port(),
            ban.originNodeId(), ban.originSequence(), ban.originTimeMillis(), ban.version(), ban.durationSeconds(), ban.reason());
    }

    /** Host bits cleared; an IPv4-mapped IPv6 prefix has become IPv4 with 96 bits less, so mask to its own length. */
    private static IpPrefix canonical(final int family, final byte[] address, final int length)
    {
        final IpPrefix prefix = new IpPrefix().set(family, address, length);
        return prefix.maskTo(prefix.prefixLength());
    }

    private static List<Character> characters(final String text)
    {
        return text.chars().mapToObj(c -> (char)c).toList();
    }

    private static byte[] toArray(final List<Byte> bytes)
    {
        final byte[] array = new byte[bytes.size()];
        for (int i = 0; i < array.length; i++)
        {
            array[i] = bytes.get(i);
        }
        return array;
    }

    private static byte[] address(final List<Integer> groups)
    {
        final byte[] address = new byte[AddressFamily.IPV6_ADDRESS_LENGTH];
        for (int i = 0; i < groups.size(); i++)
        {
            address[2 * i] = (byte)(groups.get(i) >>> 8);
            address[2 * i + 1] = groups.get(i).byteValue();
        }
        return address;
    }
}
