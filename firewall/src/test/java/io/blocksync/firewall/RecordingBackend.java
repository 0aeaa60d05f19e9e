package io.blocksync.firewall;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A backend that records what it is asked to do and fails on demand.
 */
final class RecordingBackend implements FirewallBackend
{
    final List<List<String>> applied = new ArrayList<>();
    final List<List<String>> attempts = new ArrayList<>();
    final List<List<String>> reconciled = new ArrayList<>();
    int flushes;
    int reconcileFailures;
    boolean closed;
    Predicate<List<FirewallChange>> rejects = (batch) -> false;
    long maxTimeoutSeconds;
    long reassertIntervalSeconds;
    int failuresLeft;
    String startFailure;

    @Override
    public void start()
    {
        if (null != startFailure)
        {
            throw new FirewallException(startFailure);
        }
    }

    @Override
    public void apply(final List<FirewallChange> batch)
    {
        final List<String> text = describe(batch);
        attempts.add(text);
        if (failuresLeft > 0)
        {
            failuresLeft--;
            throw new FirewallException("backend says no");
        }
        if (rejects.test(batch))
        {
            throw new FirewallException("backend rejects this batch");
        }
        applied.add(text);
    }

    @Override
    public void reconcile(final Iterable<FirewallChange> liveBans)
    {
        if (reconcileFailures > 0)
        {
            reconcileFailures--;
            throw new FirewallException("reconcile says no");
        }
        final List<FirewallChange> list = new ArrayList<>();
        liveBans.forEach(list::add);
        reconciled.add(describe(list));
    }

    @Override
    public void flush()
    {
        flushes++;
        applied.add(List.of("FLUSH"));
    }

    @Override
    public long maxTimeoutSeconds()
    {
        return maxTimeoutSeconds;
    }

    @Override
    public long reassertIntervalSeconds()
    {
        return reassertIntervalSeconds;
    }

    @Override
    public void close()
    {
        closed = true;
    }

    int appliedChangeCount()
    {
        int count = 0;
        for (final List<String> batch : applied)
        {
            count += batch.size();
        }
        return count;
    }

    private static List<String> describe(final List<FirewallChange> batch)
    {
        final List<String> text = new ArrayList<>(batch.size());
        for (final FirewallChange change : batch)
        {
            text.add(change.toString());
        }
        return text;
    }
}
