package io.blocksync.daemon.control;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanOutcome;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * {@code flush REASON}: lift every live ban this node decided under REASON (what fail2ban's {@code actionflush},
 * sshguard's {@code flush} and blacklistd's {@code flush} ask for), so its peers lift them too. Bans of the same
 * reason decided by other nodes stay. Answered on the connection's thread: it reads the store through a reader
 * handle of its own (as {@link ControlListings} does), collects the matching prefixes (memory grows with the bans
 * lifted, 1 prefix each), closes the reader, then hands the unbans to the loop in requests of at most
 * {@link ControlServer#MAX_LINES_PER_REQUEST}, waiting for each. Reply: {@code ok flush REASON LIFTED}, LIFTED the bans
 * the unbans ended; or {@code error ...}.
 */
final class ControlFlush
{
    private final Path stateDir;
    private final int nodeId;
    private final Queue<LocalRequest> requests;
    private final Runnable wakeLoop;

    ControlFlush(final Path stateDir, final int nodeId, final Queue<LocalRequest> requests, final Runnable wakeLoop)
    {
        this.stateDir = stateDir;
        this.nodeId = nodeId;
        this.requests = requests;
        this.wakeLoop = wakeLoop;
    }

    static boolean isFlush(final String line)
    {
        final String trimmed = line.trim();
        return trimmed.equals(ControlProtocol.FLUSH) || trimmed.startsWith(ControlProtocol.FLUSH + " ");
    }

    /** The one reply line for {@code flush REASON}, without its newline. */
    String answer(final String line) throws InterruptedException
    {
        final String[] words = line.trim().split("\\s+");
        if (words.length != 2)
        {
            return ControlProtocol.ERROR + " usage: flush REASON";
        }
        final String invalid = ReasonCode.validate(words[1]);
        if (null != invalid)
        {
            return ControlProtocol.ERROR + " " + invalid;
        }
        final ReasonCode reason = ReasonCode.of(words[1]);

        final List<IpPrefix> prefixes;
        try
        {
            prefixes = liveBansOf(reason);
        }
        catch (final IOException | RuntimeException ex)
        {
            return ControlProtocol.ERROR + " cannot read the ban store: " + ControlRequests.oneLine(String.valueOf(ex.getMessage()));
        }

        int lifted = 0;
        for (int from = 0; from < prefixes.size(); from += ControlServer.MAX_LINES_PER_REQUEST)
        {
            final int to = Math.min(prefixes.size(), from + ControlServer.MAX_LINES_PER_REQUEST);
            final LocalRequest request = new LocalRequest(to - from);
            for (int i = from; i < to; i++)
            {
                request.add(BanAction.UNBAN, prefixes.get(i), 0, 0, 0, 0);
            }
            requests.add(request);
            wakeLoop.run();
            if (!request.await(ControlServer.LOOP_TIMEOUT_MILLIS))
            {
                return ControlProtocol.ERROR + " the node did not answer within " + ControlServer.LOOP_TIMEOUT_MILLIS / 1000 +
                    " s; lifted " + lifted + " of " + prefixes.size() + " so far";
            }
            for (int i = 0; i < request.size(); i++)
            {
                lifted += BanOutcome.APPLIED == request.outcome(i) ? 1 : 0;
            }
        }
        return ControlProtocol.OK + " " + ControlProtocol.FLUSH + " " + reason.text() + " " + lifted;
    }

    private List<IpPrefix> liveBansOf(final ReasonCode reason) throws IOException
    {
        // Stored expiries are in the node's steady frame: now in it is the wall clock plus the recorded offset.
        final long now = System.currentTimeMillis() + ProgressFile.readFrame(stateDir).offsetMillis();
        final List<IpPrefix> prefixes = new ArrayList<>();
        try (BanStore reader = BanStore.openReader(stateDir, message -> { }))
        {
            reader.forEach((Ban ban) ->
            {
                if (ban.isActiveAt(now) && ban.originNodeId() == nodeId && sameReason(ban, reason))
                {
                    prefixes.add(new IpPrefix().set(ban.prefix()));
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        return prefixes;
    }

    private static boolean sameReason(final Ban ban, final ReasonCode reason)
    {
        for (int i = 0; i < ReasonCode.WORDS; i++)
        {
            if (ban.reasonWord(i) != reason.word(i))
            {
                return false;
            }
        }
        return true;
    }
}
