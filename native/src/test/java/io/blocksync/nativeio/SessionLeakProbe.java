package io.blocksync.nativeio;

import java.io.IOException;

/**
 * Run in a child JVM by {@link KernelSessions#leakProbe}: {@code nft|ipset NAMESPACE_PATH SET}. Opens a session in the
 * namespace (whose set the test made), adds 10,000 addresses in one script and again one per call as a warm-up, then
 * flushes and repeats that twice, and prints {@code grown KIB}: how much VmRSS grew over the last two rounds.
 */
public final class SessionLeakProbe
{
    private SessionLeakProbe()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final boolean nft = "nft".equals(args[0]);
        final String set = args[2];
        final String format = nft ? "add element %s { %s timeout 10m }\n" : "add %s %s timeout 600\n";
        final String flush = nft ? "flush set " + set + "\n" : "flush " + set + "\n";
        try (ScriptSession session = nft ? NftablesSession.open(args[1]) : IpsetSession.open(args[1]))
        {
            KernelSessions.bothWays(session::run, set, format, 10_000);
            System.gc();
            final long before = KernelSessions.residentKilobytes();
            for (int round = 0; round < 2; round++)
            {
                KernelSessions.mustSucceed(session.run(flush));
                KernelSessions.bothWays(session::run, set, format, 10_000);
            }
            System.gc();
            System.out.println("grown " + (KernelSessions.residentKilobytes() - before));
        }
    }
}
