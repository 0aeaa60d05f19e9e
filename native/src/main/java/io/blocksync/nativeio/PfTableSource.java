package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@code pf-table} source: polls a pf table that rules fill with {@code overload <T>} (or that other tools
 * fill) through {@code pfctl -t T -T show}, and reports every address or network that was not in the table at
 * the previous poll; the first poll reports the whole table. Optionally runs {@code pfctl -t T -T expire SECONDS}
 * after each poll, as acacia does, so that pf forgets offenders the peers have been told about.
 * <p>
 * pfctl prints one entry per line: a feedback column, {@code '!'} for a negated entry, the address and
 * {@code /LEN} for a network. Negated entries are exceptions, not offenders, and are ignored; a line that does not
 * parse is counted as malformed and logged with its line number. An address that leaves the table (expired,
 * deleted) and comes back is reported again. Memory is bounded by the table's size, which pf itself limits.
 * <p>
 * Each event has the link type {@link LinkType#PF_TABLE}, the table name as log prefix, the entry as source (a /32 or
 * /128 host, or the network) and the unspecified network of its family as destination.
 */
public final class PfTableSource implements EventSource
{
    public static final String DEFAULT_PFCTL = "pfctl";
    public static final long DEFAULT_POLL_INTERVAL_MILLIS = 60_000;

    /** PF_TABLE_NAME_SIZE is 32 with the NUL. */
    public static final int MAX_TABLE_NAME_LENGTH = 31;

    private static final long STOP_WAIT_MILLIS = 5_000;

    private final String name;
    private final String table;
    private final long pollIntervalMillis;
    private final long expireSeconds;
    private final CommandRunner runner;
    private final Consumer<String> log;
    private final List<String> showCommand;
    private final List<String> expireCommand;
    private final SourceCounters counters = new SourceCounters();
    private final RingEventPublisher publisher;
    private final AttackEvent event = new AttackEvent();
    private final IpPrefix entry = new IpPrefix();
    private final SourceThread thread;
    private Set<String> previous = new HashSet<>();
    private Set<String> current = new HashSet<>();

    /**
     * @param name               for logs and status.
     * @param table              the pf table, e.g. {@code bruteforce}.
     * @param pollIntervalMillis time between polls.
     * @param expireSeconds      after each poll expire entries older than this; 0 to leave the table alone.
     * @param ring               receives events.
     * @param log                receives operator lines.
     */
    public PfTableSource(
        final String name,
        final String table,
        final long pollIntervalMillis,
        final long expireSeconds,
        final AttackEventRing ring,
        final Consumer<String> log)
    {
        this(new PfTableSourceSettings().name(name).table(table).pollIntervalMillis(pollIntervalMillis)
            .expireSeconds(expireSeconds), ring, log);
    }

    /**
     * @param settings which table and how; read once, here.
     * @param ring     receives events.
     * @param log      receives operator lines.
     * @throws IllegalArgumentException if the table name, poll interval or expiry is out of range.
     */
    public PfTableSource(final PfTableSourceSettings settings, final AttackEventRing ring, final Consumer<String> log)
    {
        final String name = settings.name();
        final String pfctl = settings.pfctl();
        final String table = settings.table();
        final long pollIntervalMillis = settings.pollIntervalMillis();
        final long expireSeconds = settings.expireSeconds();
        final CommandRunner runner = null != settings.runner() ? settings.runner() : new ProcessCommandRunner();
        final String problem = checkTableName(table);
        if (null != problem)
        {
            throw new IllegalArgumentException(name + ": " + problem);
        }
        if (pollIntervalMillis < 1)
        {
            throw new IllegalArgumentException(name + ": poll interval is " + pollIntervalMillis + " ms, expected >= 1");
        }
        if (expireSeconds < 0)
        {
            throw new IllegalArgumentException(name + ": expire is " + expireSeconds + " s, expected 0 (off) or more");
        }
        this.name = name;
        this.table = table;
        this.pollIntervalMillis = pollIntervalMillis;
        this.expireSeconds = expireSeconds;
        this.runner = runner;
        this.log = log;
        this.showCommand = List.of(pfctl, "-t", table, "-T", "show");
        this.expireCommand = List.of(pfctl, "-t", table, "-T", "expire", Long.toString(expireSeconds));
        this.publisher = new RingEventPublisher(name, ring, counters, log);
        this.thread = new SourceThread(name, this::run);
    }

    /**
     * @param table a proposed table name.
     * @return null if pfctl will take it as a table name, else what is wrong.
     */
    public static String checkTableName(final String table)
    {
        if (null == table || table.isEmpty() || table.length() > MAX_TABLE_NAME_LENGTH)
        {
            return "pf table name \"" + table + "\" must have 1 to " + MAX_TABLE_NAME_LENGTH + " characters";
        }
        if ('-' == table.charAt(0))
        {
            return "pf table name \"" + table + "\" must not start with '-' (pfctl would take it for an option)";
        }
        for (int i = 0; i < table.length(); i++)
        {
            final char c = table.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' ||
                c == '.'))
            {
                return "pf table name \"" + table + "\" has '" + c + "' at " + (i + 1) +
                    "; expected letters, digits, '_', '-' or '.'";
            }
        }

        return null;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void start()
    {
        thread.start();
    }

    @Override
    public void close()
    {
        thread.stop(STOP_WAIT_MILLIS);
    }

    @Override
    public SourceCounters counters()
    {
        return counters;
    }

    public String table()
    {
        return table;
    }

    /**
     * @return {@code pfctl -t T -T show}.
     */
    public List<String> showCommand()
    {
        return showCommand;
    }

    /**
     * @return {@code pfctl -t T -T expire SECONDS}.
     */
    public List<String> expireCommand()
    {
        return expireCommand;
    }

    /**
     * One poll on the calling thread: list the table, report new entries, then expire if configured. The source's
     * thread calls this every interval; call it directly only on a source that was not started.
     *
     * @return entries reported.
     */
    public int poll()
    {
        final CommandResult shown;
        try
        {
            shown = runner.run(showCommand);
        }
        catch (final IOException ex)
        {
            fail("cannot run " + String.join(" ", showCommand) + ": " + ex.getMessage());
            return 0;
        }
        if (0 != shown.exitStatus())
        {
            fail(String.join(" ", showCommand) + " exited with status " + shown.exitStatus() + ": " +
                shown.firstErrorLine());
            return 0;
        }

        final int reported = report(shown.output());
        if (expireSeconds > 0)
        {
            expire();
        }

        return reported;
    }

    private int report(final String output)
    {
        final long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        int reported = 0;
        int lineNumber = 0;
        int start = 0;
        while (start < output.length())
        {
            int end = output.indexOf('\n', start);
            if (end < 0)
            {
                end = output.length();
            }
            lineNumber++;
            final String line = output.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty() || '!' == line.charAt(0))
            {
                continue;
            }

            final String error = AddressText.parse(line, entry, 32, 128);
            if (null != error)
            {
                if (SourceCounters.isWorthLogging(counters.incrementMalformed()))
                {
                    log.accept(name + ": " + String.join(" ", showCommand) + " line " + lineNumber + ": " + error +
                        "; expected an address or ADDRESS/LEN");
                }
                continue;
            }

            final String key = AddressText.format(entry);
            current.add(key);
            if (!previous.contains(key))
            {
                publish(now);
                reported++;
            }
        }

        final Set<String> swap = previous;
        previous = current;
        current = swap;
        current.clear();

        return reported;
    }

    private void publish(final long timeNanos)
    {
        event.reset().timeNanos(timeNanos).linkType(LinkType.PF_TABLE).logPrefix().set(table);
        event.packet().ipVersion(entry.family()).source().set(entry);
        event.packet().destination().set(entry).maskTo(0);
        publisher.onEvent(event);
    }

    private void expire()
    {
        try
        {
            final CommandResult expired = runner.run(expireCommand);
            if (0 != expired.exitStatus())
            {
                fail(String.join(" ", expireCommand) + " exited with status " + expired.exitStatus() + ": " +
                    expired.firstErrorLine());
            }
        }
        catch (final IOException ex)
        {
            fail("cannot run " + String.join(" ", expireCommand) + ": " + ex.getMessage());
        }
    }

    private void fail(final String message)
    {
        if (SourceCounters.isWorthLogging(counters.incrementFailures()))
        {
            log.accept(name + ": " + message + " (" + counters.failures() + " failures so far)");
        }
    }

    private void run()
    {
        while (thread.isRunning())
        {
            poll();
            thread.idle(pollIntervalMillis);
        }
    }
}
