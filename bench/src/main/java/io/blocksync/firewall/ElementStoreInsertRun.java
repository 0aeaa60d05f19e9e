package io.blocksync.firewall;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link NftElementStore}'s inserts in random address order, as a node re-applies its store at start (the store's
 * iteration order is its hash order): {@code --elements N} /64s in 2001:db8:8000::/33, seeded, each inserted unless
 * already held; prints the seconds. {@code --hashed}: the same into {@link NftElementHash} (a plain set's store). In
 * this package because the stores are package-private. Run with the node's JIT
 * (the launcher's {@code -XX:TieredStopAtLevel=1}):
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -XX:TieredStopAtLevel=1 -Xmx256m -XX:+UseSerialGC \
 *     -cp bench/target/benchmarks.jar io.blocksync.firewall.ElementStoreInsertRun [--elements 1000000] [--hashed]
 * </pre>
 */
public final class ElementStoreInsertRun
{
    private ElementStoreInsertRun()
    {
    }

    public static void main(final String[] args)
    {
        int elements = 1_000_000;
        boolean hashed = false;
        for (int i = 0; i < args.length; i++)
        {
            if ("--elements".equals(args[i]))
            {
                elements = Integer.parseInt(args[++i]);
            }
            else if ("--hashed".equals(args[i]))
            {
                hashed = true;
            }
            else
            {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final SplittableRandom random = new SplittableRandom(13);
        final int meta = 10 << 8 | 64; // AF_INET6, /64
        final long start = System.nanoTime();
        try (NftElements store = hashed ? new NftElementHash() : new NftElementStore())
        {
            for (int i = 0; i < elements; i++)
            {
                final long high = 0x2001_0db8_8000_0000L | (random.nextLong() & 0x0FFF_FFFFL);
                if (NftElements.NONE == store.find(high, 0, meta))
                {
                    store.insert(high, 0, meta, 0, 0);
                }
            }
            System.out.printf(Locale.ROOT, "%d inserts in random address order (%d distinct, %s): %.2f s%n", elements,
                store.size(), hashed ? "hashed" : "sorted", (System.nanoTime() - start) / 1e9);
        }
    }
}
