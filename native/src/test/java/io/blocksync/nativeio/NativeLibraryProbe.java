package io.blocksync.nativeio;

import io.blocksync.testkit.Poll;

import java.io.IOException;

/**
 * Run in a child JVM by {@link NativeLibraryTest}. With the argument {@code load}: load the library and print
 * the outcome. With {@code sessions}: why each kernel session is unavailable (null if it is available). Without: two NFLOG sources and a direct open in a JVM whose library cannot load, printing the log
 * lines and the open's error so the test can count them.
 */
public final class NativeLibraryProbe
{
    private NativeLibraryProbe()
    {
    }

    public static void main(final String[] args) throws InterruptedException, IOException
    {
        if (args.length > 0 && "sessions".equals(args[0]))
        {
            System.out.println("nftables: " + NftablesSession.unavailableReason());
            System.out.println("ipset: " + IpsetSession.unavailableReason());
            return;
        }
        if (args.length > 0 && "load".equals(args[0]))
        {
            System.out.println("loaded: " + NativeLibrary.load() + " failure: " + NativeLibrary.failure());
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))))
            {
                System.out.println("copies left: " +
                    files.filter(file -> file.getFileName().toString().startsWith("lib" + NativeLibrary.LIBRARY_NAME)).count());
            }
            return;
        }

        final AttackEventRing ring = new AttackEventRing(16);
        final NflogSource first = new NflogSource("nflog-a", 5, ring, line -> System.out.println("log: " + line));
        final NflogSource second = new NflogSource("nflog-b", 6, ring, line -> System.out.println("log: " + line));
        first.start();
        second.start();
        Poll.until("both sources to report the library unavailable",
            () -> first.isUnavailable() && second.isUnavailable());
        first.close();
        second.close();

        try
        {
            NflogSocket.open(5).close();
            System.out.println("opened");
        }
        catch (final IOException ex)
        {
            System.out.println("open failed: " + ex.getMessage());
        }
        System.out.println("failures: " + first.counters().failures() + " " + second.counters().failures());
    }
}
