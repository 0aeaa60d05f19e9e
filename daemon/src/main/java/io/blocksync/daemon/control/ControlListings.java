package io.blocksync.daemon.control;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.firewall.Firewall;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Answers the listing requests ({@code bans}, {@code counters}) on a connection's thread, without the loop, streaming
 * one line per row as it is read: memory stays constant whatever the store holds, and a slow client stalls only its
 * own connection. The bans come from a reader handle of the store opened for the one listing
 * ({@link BanStore#openReader(Path)}, the handle the CLI opens when the node is down), so the loop's own store
 * object, which is single-threaded, is never touched; Chronicle Map coordinates the two handles through the locks in
 * its file. The counters come from a read-only mapping of the node's status file, whose values any thread may read.
 * Row formats are in {@link ControlProtocol}.
 */
final class ControlListings
{
    /** Rows are sent in writes of about this many characters: few system calls, a small bounded buffer. */
    private static final int FLUSH_CHARS = 16 * 1024;

    private final Path stateDir;
    private final Firewall firewall;

    /**
     * @param stateDir the node's state directory: its store, status file and progress file (the steady-clock frame).
     * @param firewall read from any thread: whether each live ban is enforced, and the kernel's refusal.
     */
    ControlListings(final Path stateDir, final Firewall firewall)
    {
        this.stateDir = stateDir;
        this.firewall = firewall;
    }

    /**
     * @return whether the line is a listing request, which must be the only line of its request.
     */
    static boolean isListing(final String line)
    {
        final String word = firstWord(line);
        return ControlProtocol.BANS.equals(word) || ControlProtocol.COUNTERS.equals(word);
    }

    /**
     * Answer one listing request: its rows, then one {@code ok} or {@code error} line.
     *
     * @throws IOException when the client goes away or stops reading for the connection's idle timeout.
     */
    void answer(final String line, final LineChannel connection) throws IOException
    {
        final String[] words = line.trim().split("\\s+");
        final StringBuilder out = new StringBuilder(FLUSH_CHARS + 256);
        if (ControlProtocol.BANS.equals(words[0]))
        {
            final boolean formatted = words.length > 1 &&
                (ControlProtocol.TABLE.equals(words[1]) || ControlProtocol.JSON.equals(words[1]));
            final int namesFrom = formatted && words.length > 2 && ControlProtocol.ALL.equals(words[2]) ? 3 : 2;
            final Map<Integer, String> names = formatted ? names(words, namesFrom) : null;
            if (formatted && null != names)
            {
                formatted(ControlProtocol.JSON.equals(words[1]), namesFrom == 3, names, connection);
                return;
            }
            if (formatted || words.length > 2 || (words.length == 2 && !ControlProtocol.ALL.equals(words[1])))
            {
                connection.write(ControlProtocol.ERROR + " usage: bans [all] | bans table|json [all] [ID=NAME ...]\n");
                return;
            }
            bans(words.length == 2, connection, out);
        }
        else if (words.length != 1)
        {
            connection.write(ControlProtocol.ERROR + " usage: counters\n");
        }
        else
        {
            counters(connection, out);
        }
    }

    private void bans(final boolean all, final LineChannel connection, final StringBuilder out) throws IOException
    {
        // Stored expiries are in the node's steady frame: now in it is the wall clock plus the recorded offset.
        final long frameOffset = ProgressFile.readFrame(stateDir).offsetMillis();
        final long now = System.currentTimeMillis() + frameOffset;
        final long[] rows = new long[1];
        try (BanStore reader = BanStore.openReader(stateDir, message -> { }))
        {
            reader.forEach((Ban ban) ->
            {
                final boolean live = ban.isActiveAt(now);
                if (!live && !all)
                {
                    return;
                }
                appendBan(ban, live, now, frameOffset, out);
                rows[0]++;
                if (out.length() >= FLUSH_CHARS)
                {
                    flush(connection, out);
                }
            });
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final IOException | RuntimeException ex)
        {
            // Rows already sent stay; the last line tells the client the listing is incomplete.
            out.append(ControlProtocol.ERROR).append(" cannot read the ban store: ")
                .append(ControlRequests.oneLine(String.valueOf(ex.getMessage()))).append('\n');
            connection.write(out);
            return;
        }
        out.append(ControlProtocol.OK).append(' ').append(ControlProtocol.BANS).append(' ').append(rows[0]).append('\n');
        flush(connection, out);
    }

    /**
     * {@code bans table} and {@code bans json}: the text {@code blocksync bans} prints, formatted here
     * ({@link BanListing}) and streamed in 64 KiB writes, then the closing line. When the store cannot be read before
     * any row, only the error line is sent (the CLI then reads the store itself); after some rows, the listing's end
     * and then the error line.
     */
    private void formatted(final boolean json, final boolean all, final Map<Integer, String> names,
        final LineChannel connection) throws IOException
    {
        final long frameOffset = ProgressFile.readFrame(stateDir).offsetMillis();
        final long now = System.currentTimeMillis() + frameOffset;
        final ChannelOutput output = new ChannelOutput(connection);
        final BanListing listing = new BanListing(json, names, output);
        final BanListing.Row row = new BanListing.Row();
        try (BanStore reader = BanStore.openReader(stateDir, message -> { }))
        {
            reader.forEach((Ban ban) ->
            {
                final boolean live = ban.isActiveAt(now);
                if (!live && !all)
                {
                    return;
                }
                row.of(ban, now, frameOffset);
                final boolean enforced = live && ban.isBan() && firewall.isEnforced(ban.prefix());
                final String refusal = !enforced && live && ban.isBan() ? firewall.refusal(ban.prefix()) : null;
                row.enforced = enforced;
                row.refusal = null == refusal ? null : ControlRequests.oneLine(refusal);
                listing.add(row);
            });
        }
        catch (final IOException | RuntimeException ex)
        {
            if (null != output.failure)
            {
                throw output.failure;
            }
            if (listing.rows() > 0)
            {
                listing.finish();
            }
            connection.write(ControlProtocol.ERROR + " cannot read the ban store: " +
                ControlRequests.oneLine(String.valueOf(ex.getMessage())) + "\n");
            return;
        }
        listing.finish();
        connection.write(ControlProtocol.OK + " " + ControlProtocol.BANS + " " + listing.rows() + "\n");
    }

    /** @return the {@code ID=NAME} words from {@code from} on, or null when one is not a node id and a name. */
    private static Map<Integer, String> names(final String[] words, final int from)
    {
        final Map<Integer, String> names = new HashMap<>();
        for (int i = from; i < words.length; i++)
        {
            final int equals = words[i].indexOf('=');
            try
            {
                final int id = equals > 0 ? Integer.parseInt(words[i], 0, equals, 10) : 0;
                if (id <= 0 || equals + 1 == words[i].length())
                {
                    return null;
                }
                names.put(id, words[i].substring(equals + 1));
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
        return names;
    }

    /** The listing's bytes to the connection; keeps the connection's failure apart from the store's. */
    private static final class ChannelOutput extends OutputStream
    {
        private final LineChannel connection;
        IOException failure;

        ChannelOutput(final LineChannel connection)
        {
            this.connection = connection;
        }

        public void write(final int b) throws IOException
        {
            write(new byte[]{ (byte)b }, 0, 1);
        }

        public void write(final byte[] bytes, final int offset, final int length) throws IOException
        {
            try
            {
                connection.write(bytes, offset, length);
            }
            catch (final IOException ex)
            {
                failure = ex;
                throw ex;
            }
        }
    }

    /** The REASON word of a row without a reason (an unban that lifted nothing). */
    static final String NO_REASON = "-";

    /** {@code ACTION PREFIX ORIGIN EXPIRES REMAINING PROTOCOL PORT DECIDED REASON ENFORCED[ refused: MESSAGE]}. */
    private void appendBan(final Ban ban, final boolean live, final long now, final long frameOffset, final StringBuilder out)
    {
        final IpPrefix prefix = ban.prefix();
        final long expiresAt = ban.expiresAtMillis();
        out.append(ban.isBan() ? ControlProtocol.BAN : ControlProtocol.UNBAN).append(' ');
        AddressText.append(prefix, out);
        out.append(' ').append(ban.originNodeId())
            .append(' ').append(ban.isBan() && expiresAt != 0 ? expiresAt - frameOffset : 0)
            .append(' ').append(expiresAt == 0 ? -1 : Math.max(0, (expiresAt - now) / 1000))
            .append(' ').append(ban.protocol())
            .append(' ').append(ban.port())
            .append(' ').append(ban.originTimeMillis())
            .append(' ');
        if (0 == ban.reason())
        {
            out.append(NO_REASON);
        }
        else
        {
            ban.appendReason(out);
        }
        if (live && ban.isBan() && firewall.isEnforced(prefix))
        {
            out.append(" true\n");
            return;
        }
        out.append(" false");
        final String refusal = live && ban.isBan() ? firewall.refusal(prefix) : null;
        if (null != refusal)
        {
            out.append(" refused: ").append(ControlRequests.oneLine(refusal));
        }
        out.append('\n');
    }

    /** {@code counter TYPE KEY VALUE LABEL} per counter, then {@code ok counters node ID pid PID started MS alive MS}. */
    private void counters(final LineChannel connection, final StringBuilder out) throws IOException
    {
        try (StatusFile status = StatusFile.openForReading(stateDir))
        {
            final CountersReader reader = status.countersReader();
            reader.forEach((counterId, typeId, keyBuffer, label) ->
            {
                out.append(ControlProtocol.COUNTER).append(' ').append(typeId).append(' ').append(keyBuffer.getInt(0))
                    .append(' ').append(reader.getCounterValue(counterId)).append(' ').append(label).append('\n');
                if (out.length() >= FLUSH_CHARS)
                {
                    flush(connection, out);
                }
            });
            out.append(ControlProtocol.OK).append(' ').append(ControlProtocol.COUNTERS)
                .append(" node ").append(status.nodeId()).append(" pid ").append(status.pid())
                .append(" started ").append(status.startTimeMillis()).append(" alive ").append(status.aliveTimeMillis())
                .append('\n');
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final RuntimeException ex)
        {
            out.append(ControlProtocol.ERROR).append(" cannot read the status file: ")
                .append(ControlRequests.oneLine(String.valueOf(ex.getMessage()))).append('\n');
        }
        flush(connection, out);
    }

    private static void flush(final LineChannel connection, final StringBuilder out)
    {
        try
        {
            connection.write(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        out.setLength(0);
    }

    private static String firstWord(final String line)
    {
        final String trimmed = line.trim();
        final int space = trimmed.indexOf(' ');
        return space < 0 ? trimmed : trimmed.substring(0, space);
    }
}
