package io.blocksync.daemon.control;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.daemon.config.Durations;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code blocksync bans} as rows arrive, holding none of them: a table with columns of fixed minimum width (a
 * longer value widens only its own row), or a JSON array with one object per line. Only the first
 * {@value #MAX_NOT_ENFORCED_SHOWN} live bans the kernel does not hold are kept, to be listed after the table.
 * <p>
 * Written by the CLI (rows of the node's {@code bans} answer, or of its store when the node is down) and by the node
 * itself for {@code bans table} and {@code bans json} ({@link ControlListings}), whose bytes the CLI copies to its
 * output as they are: one text for both, so the output format is the same whichever side formats it.
 */
public final class BanListing
{
    private static final int MAX_NOT_ENFORCED_SHOWN = 20;
    private static final String[] HEADER = { "PREFIX", "REASON", "ORIGIN", "REMAINING", "PROTO" };
    /** An IPv6 /64 of the documentation range fits; an IPv4 address always does. */
    private static final int[] WIDTHS = { 22, 8, 10, 11, 5 };
    private static final int BUFFER_BYTES = 64 * 1024;

    /** One row, filled in place for each ban. */
    public static final class Row
    {
        public boolean ban;
        public String prefix;
        public int origin;
        /** The end on the wall clock, Unix ms; 0 for none. */
        public long expiresMillis;
        /** Seconds left, -1 for none. */
        public long remainingSeconds;
        public int protocol;
        public int port;
        public long decidedMillis;
        public String reason;
        /** null when the node does not answer: nothing is known of the kernel. */
        public Boolean enforced;
        public String refusal;

        /**
         * Fill every field but {@link #enforced} and {@link #refusal} from a stored entry.
         *
         * @param now         now in the node's steady frame (the wall clock plus {@code frameOffset}), Unix ms.
         * @param frameOffset the store's steady frame minus the wall clock, ms ({@code ProgressFile.readFrame}).
         */
        public Row of(final Ban stored, final long now, final long frameOffset)
        {
            final long expiresAt = stored.expiresAtMillis();
            ban = stored.isBan();
            prefix = AddressText.format(stored.prefix());
            origin = stored.originNodeId();
            expiresMillis = ban && expiresAt != 0 ? expiresAt - frameOffset : 0;
            remainingSeconds = expiresAt == 0 ? -1 : Math.max(0, (expiresAt - now) / 1000);
            protocol = stored.protocol();
            port = stored.port();
            decidedMillis = stored.originTimeMillis();
            reason = stored.reasonText();
            return this;
        }
    }

    private final boolean json;
    private final Map<Integer, String> names;
    private final OutputStream out;
    /** Encoded here and written in large pieces: System.out flushes each write, and its encoder is no faster. */
    private final byte[] bytes = new byte[BUFFER_BYTES];
    private int buffered;
    private final StringBuilder line = new StringBuilder(256);
    private int lastOrigin = -1;
    private String lastName;
    private final List<String> notEnforced = new ArrayList<>();
    private long rows;
    private long notEnforcedCount;

    /**
     * @param names node id to the name the config gives it ("self" for this node).
     * @param out   where the listing goes, in writes of up to 64 KiB (flushed by {@link #finish}, never closed); its
     *              {@link IOException}s are thrown on as {@link UncheckedIOException}.
     */
    public BanListing(final boolean json, final Map<Integer, String> names, final OutputStream out)
    {
        this.json = json;
        this.names = names;
        this.out = out;
        if (json)
        {
            write("[");
        }
        else
        {
            for (int i = 0; i < HEADER.length; i++)
            {
                cell(HEADER[i], i);
            }
            endLine();
        }
    }

    public long rows()
    {
        return rows;
    }

    public void add(final Row row)
    {
        if (row.origin != lastOrigin)
        {
            final String originName = names.get(row.origin);
            lastName = null == originName ? "node" + row.origin : originName;
            lastOrigin = row.origin;
        }
        final String name = lastName;
        final String protocol = Protocols.name(row.protocol);
        if (json)
        {
            line.append(rows == 0 ? "{\"prefix\":" : ",\n{\"prefix\":").append(Json.string(row.prefix))
                .append(",\"action\":").append(row.ban ? "\"ban\"" : "\"unban\"")
                .append(",\"reason\":").append(Json.string(row.reason))
                .append(",\"origin\":").append(row.origin)
                .append(",\"origin_name\":").append(Json.string(name))
                .append(",\"expires\":");
            if (row.ban && row.expiresMillis != 0)
            {
                IsoInstant.append(row.expiresMillis, line.append('"')).append('"');
            }
            else
            {
                line.append("null");
            }
            line.append(",\"remaining_seconds\":");
            if (row.ban && row.remainingSeconds >= 0)
            {
                line.append(row.remainingSeconds);
            }
            else
            {
                line.append("null");
            }
            line.append(",\"protocol\":").append(Json.string(protocol))
                .append(",\"port\":").append(row.port)
                .append(",\"decided_at\":\"");
            IsoInstant.append(row.decidedMillis, line).append('"')
                .append(",\"enforced\":").append(row.enforced).append('}');
            flushLine();
        }
        else
        {
            cell(row.prefix, 0);
            cell(row.ban ? row.reason : "(unbanned)", 1);
            int start = line.length();
            pad(line.append(row.origin).append(' ').append(name), start, 2);
            start = line.length();
            if (row.ban && row.remainingSeconds >= 0)
            {
                Durations.appendSeconds(line, row.remainingSeconds);
            }
            else
            {
                line.append(!row.ban ? "-" : "permanent");
            }
            pad(line, start, 3);
            line.append(protocol);
            if (row.port != 0)
            {
                line.append('/').append(row.port);
            }
            endLine();
        }
        rows++;
        if (row.ban && Boolean.FALSE.equals(row.enforced) && row.remainingSeconds != 0 &&
            notEnforcedCount++ < MAX_NOT_ENFORCED_SHOWN)
        {
            notEnforced.add("not enforced: " + row.prefix +
                (null == row.refusal ? " (not yet confirmed by the firewall)" : " (refused: " + row.refusal + ")"));
        }
    }

    /** Close the array, or write the count and the live bans the kernel does not hold; flush. */
    public void finish()
    {
        if (json)
        {
            write("]\n");
        }
        else
        {
            write(rows + " ban" + (rows == 1 ? "" : "s") + "\n");
            for (final String text : notEnforced)
            {
                write(text + "\n");
            }
            if (notEnforcedCount > MAX_NOT_ENFORCED_SHOWN)
            {
                write("... " + notEnforcedCount + " bans not enforced in all (bans --json shows each)\n");
            }
        }
        drain();
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void cell(final String text, final int column)
    {
        pad(line.append(text), line.length() - text.length(), column);
    }

    /** Pad the cell that started at {@code start} to its column's width, then the two spaces between columns. */
    private static void pad(final StringBuilder line, final int start, final int column)
    {
        for (int pad = WIDTHS[column] - (line.length() - start); pad > 0; pad--)
        {
            line.append(' ');
        }
        line.append("  ");
    }

    private void endLine()
    {
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ')
        {
            end--;
        }
        line.setLength(end);
        line.append('\n');
        flushLine();
    }

    /** Encode the line as UTF-8 into the buffer (ASCII byte for byte, which every row is in practice). */
    private void flushLine()
    {
        final int length = line.length();
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++)
        {
            ascii = line.charAt(i) < 0x80;
        }
        if (ascii)
        {
            for (int i = 0; i < length; i++)
            {
                if (buffered == bytes.length)
                {
                    drain();
                }
                bytes[buffered++] = (byte)line.charAt(i);
            }
        }
        else
        {
            drain();
            final byte[] encoded = line.toString().getBytes(StandardCharsets.UTF_8);
            write(encoded, encoded.length);
        }
        line.setLength(0);
    }

    private void drain()
    {
        write(bytes, buffered);
        buffered = 0;
    }

    private void write(final byte[] from, final int length)
    {
        try
        {
            out.write(from, 0, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void write(final String text)
    {
        line.append(text);
        flushLine();
    }

    /**
     * Unix ms as {@link Instant#toString()} writes them ({@code 2026-11-30T07:04:44.162Z}, no fraction when the
     * milliseconds are 0), without a formatter per call: a listing writes two per row.
     */
    public static final class IsoInstant
    {
        private static final long MILLIS_PER_DAY = 86_400_000L;
        /** 0000-03-01 to 1970-01-01; the civil calendar from days, after H. Hinnant's days_from_civil inverse. */
        private static final long DAYS_0000_TO_1970 = 719_468;
        private static final long YEAR_10000_MILLIS = 253_402_300_800_000L;

        private IsoInstant()
        {
        }

        public static StringBuilder append(final long millis, final StringBuilder out)
        {
            if (millis < 0 || millis >= YEAR_10000_MILLIS)
            {
                return out.append(Instant.ofEpochMilli(millis));
            }
            final long days = millis / MILLIS_PER_DAY;
            final long inDay = millis % MILLIS_PER_DAY;
            final long z = days + DAYS_0000_TO_1970;
            final long era = z / 146_097;
            final long dayOfEra = z - era * 146_097;
            final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
            final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
            final long shiftedMonth = (5 * dayOfYear + 2) / 153;
            final long day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
            final long month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
            final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
            out.append(year).append('-');
            two(month, out).append('-');
            two(day, out).append('T');
            two(inDay / 3_600_000, out).append(':');
            two(inDay / 60_000 % 60, out).append(':');
            two(inDay / 1000 % 60, out);
            final long fraction = inDay % 1000;
            if (fraction != 0)
            {
                out.append('.').append((char)('0' + fraction / 100)).append((char)('0' + fraction / 10 % 10))
                    .append((char)('0' + fraction % 10));
            }
            return out.append('Z');
        }

        private static StringBuilder two(final long value, final StringBuilder out)
        {
            return out.append((char)('0' + value / 10)).append((char)('0' + value % 10));
        }
    }
}
