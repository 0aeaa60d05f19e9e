package io.blocksync.bench;

import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's own counters, read from the status file in its state directory as {@code blocksync status} does, for runs
 * whose nodes are separate processes.
 */
public final class StatusCounters
{
    private StatusCounters()
    {
    }

    /**
     * @param stateDir the node's state directory.
     * @param label    the counter's label, e.g. {@code "bans_applied"}.
     * @return its value, or -1 if there is no status file yet or no such counter.
     */
    public static long read(final Path stateDir, final String label)
    {
        if (!Files.exists(stateDir.resolve(StatusFile.FILE_NAME)))
        {
            return -1;
        }
        try (StatusFile status = StatusFile.openForReading(stateDir))
        {
            final CountersReader reader = status.countersReader();
            final long[] value = { -1 };
            reader.forEach((counterId, typeId, key, counterLabel) ->
            {
                if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID && counterLabel.equals(label))
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
    }

    /**
     * @param stateDir the node's state directory.
     * @param labels   counter labels.
     * @return {@code "label value, label value"} in the order given.
     */
    static String describe(final Path stateDir, final String... labels)
    {
        final StringBuilder out = new StringBuilder();
        for (final String label : labels)
        {
            out.append(out.length() == 0 ? "" : ", ").append(label).append(' ').append(read(stateDir, label));
        }
        return out.toString();
    }
}
