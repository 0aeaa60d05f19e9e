package io.blocksync.bench;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.store.BanStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The ban store's share of the hot path, on a persisted map in a temporary directory: reading a stored prefix,
 * overwriting one, and inserting a new prefix then removing it. Run with {@code -prof gc}: all three should show
 * gc.alloc.rate.norm of 0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// Agrona's flag, then the list in daemon/src/main/resources/jvm-flags.txt (JMH needs them as constants here).
@Fork(value = 1, jvmArgsAppend = {
    "-Xmx256m",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED" })
public class BanStoreBenchmark
{
    private static final int POOL_SIZE = 4096;

    /** Entries stored before measuring; the store is sized for twice as many. */
    @Param({ "50000" })
    public int stored;

    private final IpPrefix[] present = new IpPrefix[POOL_SIZE];
    private final IpPrefix[] absent = new IpPrefix[POOL_SIZE];
    private final Ban entry = new Ban();
    private final Ban read = new Ban();
    private Path stateDir;
    private BanStore store;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        stateDir = Files.createTempDirectory("banstore-bench");
        store = BanStore.openForDaemon(stateDir.resolve("state"), 2L * stored, (line) -> {});

        entry
            .action(BanAction.BAN)
            .protocol(6)
            .port(22)
            .originNodeId(7)
            .originTimeMillis(System.currentTimeMillis())
            .durationSeconds(3600)
            .expiresAtMillis(System.currentTimeMillis() + 3_600_000L)
            .reason(ReasonCode.of("ssh").id())
            .appliedAtMillis(System.currentTimeMillis());

        final IpPrefix key = new IpPrefix();
        final byte[] address = new byte[16];
        for (int i = 0; i < stored; i++)
        {
            store.put(entry.prefix(prefix(0, i, key, address)).originSequence(i));
        }
        for (int i = 0; i < POOL_SIZE; i++)
        {
            // Spread the pool over the whole stored range, so that lookups touch many segments.
            present[i] = prefix(0, (int)((long)i * stored / POOL_SIZE), new IpPrefix(), address);
            absent[i] = prefix(1, i, new IpPrefix(), address);
            if (!store.get(present[i], read) || store.get(absent[i], read))
            {
                throw new IllegalStateException("key pool does not match the stored entries at " + i);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        store.close();
        try (Stream<Path> paths = Files.walk(stateDir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
    }

    @Benchmark
    public boolean getHit()
    {
        return store.get(present[nextIndex()], read);
    }

    @Benchmark
    public void putUpdate()
    {
        store.put(entry.prefix(present[nextIndex()]).hitCount(next));
    }

    @Benchmark
    public boolean putNewAndRemove()
    {
        final IpPrefix key = absent[nextIndex()];
        store.put(entry.prefix(key));
        return store.remove(key);
    }

    private int nextIndex()
    {
        next = (next + 1) & (POOL_SIZE - 1);
        return next;
    }

    /**
     * 2001:db8:S:L:H::/80, where S is the subnet (0 stored, 1 never stored) and L and H the index's low and high
     * 16 bits: inside the documentation prefix.
     */
    private static IpPrefix prefix(final int subnet, final int index, final IpPrefix into, final byte[] address)
    {
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        address[4] = (byte)(subnet >>> 8);
        address[5] = (byte)subnet;
        address[6] = (byte)(index >>> 8);
        address[7] = (byte)index;
        address[8] = (byte)(index >>> 24);
        address[9] = (byte)(index >>> 16);
        return into.set(AddressFamily.IPV6, address, 80);
    }
}
