package io.blocksync.daemon;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running node stopped while its signer thread still holds thousands of its decisions: whatever was taken is
 * stored (the signer signs what it holds, the stop stores it before the store closes), the stored origin sequences
 * run without a gap up to the last one the progress file records, and the next run continues right after it.
 */
class SignerStopTest
{
    private static final int DECISIONS = 10_000;

    @TempDir
    Path dir;

    @Test
    void aStopWithDecisionsBeingSignedLosesNoneTakenAndLeavesNoGap() throws Exception
    {
        final LoopbackCluster files = LoopbackCluster.write(dir, 2, "[bans]\ncapacity = 20000\norigin-rate = 1000000\n");
        final NodeConfig config = ConfigReader.read(files.configFile(1));
        final long reason = ReasonCode.of("ssh").id();
        final LocalRequest request = new LocalRequest(DECISIONS);
        try (OutputStream out = Files.newOutputStream(dir.resolve("node.log")); EventLog log = new EventLog(out))
        {
            final Node node = Node.start(config, log);
            for (int i = 0; i < DECISIONS; i++)
            {
                request.add(BanAction.BAN, prefix(i), 3600, reason, 0, 0);
            }
            assertTrue(node.submit(request));
            // Stopped once the first decisions are stored: ~1 s of signing is still ahead, up to 1,024 handed over.
            Poll.until("the first decisions stored", Duration.ofSeconds(20), () -> node.counters().localDecisions.get() > 0);
            node.close();
        }

        // Every decision taken (numbered: the loop wrote its sequence into the request's item) is stored.
        final TreeSet<Long> taken = new TreeSet<>();
        for (int i = 0; i < DECISIONS; i++)
        {
            if (request.item(i).originSequence() > 0)
            {
                taken.add(request.item(i).originSequence());
            }
        }
        System.out.println("stopped after " + taken.size() + " of " + DECISIONS + " decisions taken");
        assertTrue(taken.size() < DECISIONS, "stopped with decisions still to take (" + taken.size() + " taken)");
        final TreeSet<Long> stored = ownSequences(config);
        assertEquals(taken.size(), stored.size(), "decisions taken and stored");
        assertTrue(taken.equals(stored), "what was taken is what is stored");
        final long last = stored.last();

        // The next run continues right after the last stored decision.
        try (OutputStream out = Files.newOutputStream(dir.resolve("node2.log")); EventLog log = new EventLog(out))
        {
            final Node node = Node.start(config, log);
            final LocalRequest next = new LocalRequest(1).add(BanAction.BAN, prefix(DECISIONS), 3600, reason, 0, 0);
            assertTrue(node.submit(next));
            assertTrue(next.await(20_000));
            assertEquals(last + 1, next.item(0).originSequence(), "the next number: none skipped or used twice");
            node.close();
        }
        assertEquals(last + 1, ownSequences(config).last());
    }

    /**
     * Node 1's origin sequences in its store, checked to run without a gap up to the last one its progress file
     * records.
     */
    private static TreeSet<Long> ownSequences(final NodeConfig config) throws Exception
    {
        final TreeSet<Long> sequences = new TreeSet<>();
        try (BanStore store = BanStore.openReader(config.stateDir()))
        {
            store.forEach((Ban ban) ->
            {
                if (ban.originNodeId() == config.nodeId())
                {
                    sequences.add(ban.originSequence());
                }
            });
        }
        assertEquals(sequences.last() - sequences.first() + 1, sequences.size(), "no gap: " + sequences.first() + ".." + sequences.last());
        try (ProgressFile progress = ProgressFile.open(config.stateDir(), config.nodeId(), System.currentTimeMillis()))
        {
            assertEquals(sequences.last(), progress.lastOriginSequence(), "the progress file records the last stored");
        }
        return sequences;
    }

    private static IpPrefix prefix(final int i)
    {
        return new IpPrefix().set(4, new byte[] { (byte)198, 51, (byte)(100 + i / 256), (byte)i }, 32);
    }
}
