package io.blocksync.daemon.status;

import io.blocksync.daemon.config.FileProblems;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The daemon's live counters in a memory-mapped file ({@code status.dat} in the state directory), after Aeron's
 * CnC file: the loop updates counters with plain ordered stores and the CLI ({@code blocksync status},
 * {@code peers}) maps the same file and reads them at no cost to the loop, even if the daemon is wedged.
 * <pre>
 *   0 u64 magic   8 u32 version   12 u32 node id   16 u64 pid   24 u64 start time ms
 *  32 u64 alive time ms (updated by the loop about once a second)   40 u32 metadata length   44 u32 values length
 *  64 metadata (CountersManager)   64 + metadata length: values
 * </pre>
 */
public final class StatusFile implements AutoCloseable
{
    public static final String FILE_NAME = "status.dat";
    public static final int COUNTER_CAPACITY = 512;
    /** Counters each configured peer takes (its state, timers, stream positions, ...), with room to grow. */
    public static final int COUNTERS_PER_PEER = 12;

    private static final long MAGIC = 0x3130_5453_5453_5342L; // "BSTSTS01"
    private static final int VERSION = 1;
    private static final int VERSION_OFFSET = 8;
    private static final int NODE_ID_OFFSET = 12;
    private static final int PID_OFFSET = 16;
    private static final int START_TIME_OFFSET = 24;
    private static final int ALIVE_TIME_OFFSET = 32;
    private static final int METADATA_LENGTH_OFFSET = 40;
    private static final int VALUES_LENGTH_OFFSET = 44;
    private static final int HEADER_LENGTH = 64;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;
    private CountersManager countersManager;

    private StatusFile(final MappedByteBuffer mapped, final int metadataLength, final int valuesLength)
    {
        this.mapped = mapped;
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
    }

    /** Create afresh for a starting daemon (previous contents are discarded). */
    public static StatusFile create(final Path stateDir, final int nodeId, final long nowMillis)
    {
        return create(stateDir, nodeId, nowMillis, 0);
    }

    /**
     * Create afresh for a daemon with {@code peers} configured peers: room for {@link #COUNTER_CAPACITY} counters, or
     * for the node's own and {@link #COUNTERS_PER_PEER} per peer when that is more (a fleet of hundreds of nodes).
     * The lengths are in the header, so readers follow.
     */
    public static StatusFile create(final Path stateDir, final int nodeId, final long nowMillis, final int peers)
    {
        final int capacity = Math.max(COUNTER_CAPACITY, COUNTER_CAPACITY / 2 + peers * COUNTERS_PER_PEER);
        final int metadataLength = capacity * CountersReader.METADATA_LENGTH;
        final int valuesLength = capacity * CountersReader.COUNTER_LENGTH;
        final File file = stateDir.resolve(FILE_NAME).toFile();
        if (file.exists() && !file.delete())
        {
            throw new IllegalStateException("cannot replace " + file);
        }
        final StatusFile status = new StatusFile(
            IoUtil.mapNewFile(file, HEADER_LENGTH + metadataLength + valuesLength, true), metadataLength, valuesLength);
        status.header.putInt(VERSION_OFFSET, VERSION);
        status.header.putInt(NODE_ID_OFFSET, nodeId);
        status.header.putLong(PID_OFFSET, ProcessHandle.current().pid());
        status.header.putLong(START_TIME_OFFSET, nowMillis);
        status.header.putLong(ALIVE_TIME_OFFSET, nowMillis);
        status.header.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        status.header.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        status.header.putLongVolatile(0, MAGIC);
        return status;
    }

    /**
     * Map a running (or dead) daemon's status file for reading.
     *
     * @throws IllegalStateException when there is none (the node never ran with this state directory), it cannot be
     * read ({@code PATH: REASON}: permission denied, a file where a directory should be), or it is not one.
     */
    public static StatusFile openForReading(final Path stateDir)
    {
        final Path path = stateDir.resolve(FILE_NAME);
        final MappedByteBuffer mapped;
        try
        {
            if (!FileProblems.exists(path))
            {
                throw new IllegalStateException("no daemon status at " + path +
                    " (has `blocksync run` been started with this config?)");
            }
            mapped = IoUtil.mapExistingFile(path.toFile(), FILE_NAME);
        }
        catch (final IllegalStateException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            // Agrona rethrows the IOException of opening the file unchecked.
            throw new IllegalStateException(ex instanceof java.io.IOException io ?
                (null != io.getCause() ? io.getMessage() : FileProblems.describe(path, io)) : path + ": " + ex.getMessage(), ex);
        }
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        if (header.getLongVolatile(0) != MAGIC || header.getInt(VERSION_OFFSET) != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(path + " is not a blocksync status file of version " + VERSION);
        }
        return new StatusFile(mapped, header.getInt(METADATA_LENGTH_OFFSET), header.getInt(VALUES_LENGTH_OFFSET));
    }

    /** The one manager that allocates counters in this file; a second one would hand out the same ids again. */
    public CountersManager countersManager()
    {
        if (null == countersManager)
        {
            countersManager = new CountersManager(metadata, values, StandardCharsets.US_ASCII);
        }
        return countersManager;
    }

    public CountersReader countersReader()
    {
        return new CountersReader(metadata, values, StandardCharsets.US_ASCII);
    }

    public int nodeId()
    {
        return header.getInt(NODE_ID_OFFSET);
    }

    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    public long startTimeMillis()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    public long aliveTimeMillis()
    {
        return header.getLongVolatile(ALIVE_TIME_OFFSET);
    }

    public void aliveTimeMillis(final long nowMillis)
    {
        header.putLongRelease(ALIVE_TIME_OFFSET, nowMillis);
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
