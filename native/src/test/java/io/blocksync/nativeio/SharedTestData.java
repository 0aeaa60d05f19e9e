package io.blocksync.nativeio;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The third-party captures in {@code shared/testdata}, found two levels above the module directory (where CI puts
 * them) or at {@code -Dblocksync.testdata=DIR}. Tests skip when the folder is absent, as in a user's clone.
 */
final class SharedTestData
{
    static final String PROPERTY = "blocksync.testdata";

    static final List<String> ALL_CAPTURES = List.of(
        "pflog/openbsd-tcp-drop.pcap",
        "pflog/openbsd-tcp6-drop.pcap",
        "pflog/openbsd-icmp6-pass.pcap",
        "pflog/openbsd-udp-truncated.pcap",
        "nflog/tcpdump-nflog.pcap",
        "nflog/pcapplusplus-nflog.pcap",
        "nflog/zeek-bad-tlv-len.pcap");

    private SharedTestData()
    {
    }

    static Path directory()
    {
        final String configured = System.getProperty(PROPERTY);
        return null != configured && !configured.isEmpty() ?
            Path.of(configured) : Path.of("..", "..", "shared", "testdata");
    }

    static boolean isPresent()
    {
        return Files.isDirectory(directory());
    }

    /**
     * Skip the calling test unless the folder is there.
     */
    static void assumePresent()
    {
        assumeTrue(isPresent(), () -> "skipped: third-party captures not found at " +
            directory().toAbsolutePath().normalize() + "; put shared/testdata beside the repository or set -D" +
            PROPERTY + "=DIR");
    }

    /**
     * @param relative e.g. "pflog/openbsd-tcp-drop.pcap".
     * @return the file, skipping the test if the folder is absent and failing if only the file is.
     */
    static Path file(final String relative)
    {
        assumePresent();
        final Path file = directory().resolve(relative);
        assertTrue(Files.isRegularFile(file), () -> "missing capture " + file.toAbsolutePath().normalize());
        return file;
    }

    static byte[] bytes(final String relative)
    {
        try
        {
            return Files.readAllBytes(file(relative));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static SeenEvent.Collector decode(final byte[] capture)
    {
        final SeenEvent.Collector collector = new SeenEvent.Collector();
        final PcapStreamDecoder decoder = new PcapStreamDecoder(new CaptureEventDecoder(collector));
        decoder.onBytes(new UnsafeBuffer(capture), 0, capture.length);
        decoder.onEndOfStream();
        return collector;
    }

    static SeenEvent.Collector decode(final String relative)
    {
        return decode(bytes(relative));
    }
}
