package io.blocksync.firewall;

import java.util.List;
import java.util.function.Consumer;

/**
 * Dry run: writes what a backend would do, one line per action, and changes nothing.
 */
public final class LogBackend implements FirewallBackend
{
    private final Consumer<String> out;

    /**
     * @param out receives lines such as {@code would ADD 192.0.2.7 timeout=3600s reason=ssh}.
     */
    public LogBackend(final Consumer<String> out)
    {
        this.out = out;
    }

    @Override
    public void start()
    {
        out.accept("dry run: no packet filter is changed");
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        for (int i = 0, size = batch.size(); i < size; i++)
        {
            out.accept("would " + batch.get(i));
        }
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        int count = 0;
        for (final FirewallChange change : liveBans)
        {
            out.accept("would re-assert " + change);
            count++;
        }
        out.accept("would reconcile " + count + " live bans");
    }

    @Override
    public void flush()
    {
        out.accept("would flush");
    }

    @Override
    public void close()
    {
    }
}
