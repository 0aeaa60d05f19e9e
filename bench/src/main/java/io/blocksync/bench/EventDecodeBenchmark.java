package io.blocksync.bench;

import io.blocksync.nativeio.AttackEvent;
import io.blocksync.nativeio.CaptureEventDecoder;
import io.blocksync.nativeio.LoggedPacket;
import io.blocksync.nativeio.PcapStreamDecoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Decoding attack events from real captures (../shared/testdata, or -Dblocksync.testdata=DIR): each invocation
 * feeds a stream of the capture's records repeated to {@link #EVENTS} events through the streaming pcap decoder,
 * the link-type decoder (pflog or NFLOG) and the IP decoder, as a source thread does. Scores are per event.
 * {@code synthetic/pflog} and {@code synthetic/nflog} are captures built in memory ({@link SyntheticCaptures}), which
 * {@code blocksync bench} uses where the shared captures are absent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
public class EventDecodeBenchmark
{
    static final int EVENTS = 1024;
    private static final int PCAP_HEADER_LENGTH = 24;

    @Param({ "pflog/openbsd-tcp-drop.pcap", "nflog/tcpdump-nflog.pcap", "nflog/pcapplusplus-nflog.pcap" })
    public String capture;

    private UnsafeBuffer stream;
    private int streamLength;
    private PcapStreamDecoder decoder;
    private long checksum;

    @Setup
    public void setUp() throws IOException
    {
        final byte[] file = switch (capture)
        {
            case "synthetic/pflog" -> SyntheticCaptures.pflog();
            case "synthetic/nflog" -> SyntheticCaptures.nflog();
            default -> Files.readAllBytes(Path.of(System.getProperty("blocksync.testdata", "../shared/testdata")).resolve(capture));
        };
        final int recordsLength = file.length - PCAP_HEADER_LENGTH;
        final int eventsPerCopy = countEvents(file);
        final int copies = EVENTS / eventsPerCopy;
        if (copies * eventsPerCopy != EVENTS)
        {
            throw new IllegalStateException(capture + " holds " + eventsPerCopy + " events, which does not divide " + EVENTS);
        }

        final ByteBuffer bytes = BufferUtil.allocateDirectAligned(PCAP_HEADER_LENGTH + copies * recordsLength + 64, 64);
        bytes.put(file, 0, PCAP_HEADER_LENGTH);
        for (int i = 0; i < copies; i++)
        {
            bytes.put(file, PCAP_HEADER_LENGTH, recordsLength);
        }
        streamLength = bytes.position();
        stream = new UnsafeBuffer(bytes);
        decoder = new PcapStreamDecoder(new CaptureEventDecoder(this::onEvent));
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long decode()
    {
        decoder.reset();
        decoder.onBytes(stream, 0, streamLength);
        return checksum;
    }

    private void onEvent(final AttackEvent event)
    {
        final LoggedPacket packet = event.packet();
        checksum += packet.destinationPort() + packet.source().addressByte(3) + packet.protocol();
    }

    private static int countEvents(final byte[] file)
    {
        final int[] count = new int[1];
        final PcapStreamDecoder counter = new PcapStreamDecoder(new CaptureEventDecoder(event -> count[0]++));
        counter.onBytes(new UnsafeBuffer(file), 0, file.length);
        return count[0];
    }
}
