package io.blocksync.firewall;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Failures between the firewall worker and the kernel, per {@link FailureKind}: counted (readable from any thread),
 * the last message kept, and logged once per streak with the tool's own message: the first failure of a kind for an
 * object (a kernel set, table), then nothing for that kind and object until the kind works again, which is logged;
 * not every retry. Streaks are keyed by kind and object, not by text: retries of one refusal word it differently
 * (the whole batch's error, then each element's).
 */
final class FirewallFailures
{
    private static final FailureKind[] KINDS = FailureKind.values();

    private final AtomicLongArray counts = new AtomicLongArray(KINDS.length);
    private final AtomicReferenceArray<String> messages = new AtomicReferenceArray<>(KINDS.length);
    /** Per kind, the objects with a failure logged since the kind last worked; empty when none. */
    private final List<Set<String>> streakObjects = newSets();
    private final long[] streakCount = new long[KINDS.length];
    private final String label;
    private final Consumer<String> log;

    /**
     * @param label starts each log line, e.g. {@code firewall nftables}.
     * @param log   thread-safe sink.
     */
    FirewallFailures(final String label, final Consumer<String> log)
    {
        this.label = label;
        this.log = log;
    }

    /**
     * Worker thread: count one failure of the kind, not tied to one object.
     */
    void failed(final FailureKind kind, final String message)
    {
        failed(kind, "", message);
    }

    /**
     * Worker thread: count one failure of the kind and log it unless a failure of the kind for the object is
     * already logged in this streak.
     *
     * @param object the kernel object failing (e.g. {@code inet blocksync ban4}), or "" for several or none.
     */
    void failed(final FailureKind kind, final String object, final String message)
    {
        final int i = kind.ordinal();
        messages.set(i, message);
        counts.incrementAndGet(i);
        streakCount[i]++;
        if (streakObjects.get(i).add(object))
        {
            log.accept(label + ": " + kind.label() + " failed: " + message +
                (FailureKind.DRIFT == kind ? "" : " (retried with backoff; logged again once it has worked)"));
        }
    }

    /**
     * Worker thread: the kind works again; logs the end of a streak.
     */
    void recovered(final FailureKind kind)
    {
        final int i = kind.ordinal();
        if (!streakObjects.get(i).isEmpty())
        {
            if (FailureKind.DRIFT != kind)
            {
                log.accept(label + ": " + kind.label() + " works again after " + streakCount[i] + " failures");
            }
            streakObjects.get(i).clear();
            streakCount[i] = 0;
        }
    }

    private static List<Set<String>> newSets()
    {
        final List<Set<String>> sets = new ArrayList<>(KINDS.length);
        for (int i = 0; i < KINDS.length; i++)
        {
            sets.add(new HashSet<>());
        }
        return sets;
    }

    /**
     * @return failures of the kind so far; any thread.
     */
    long count(final FailureKind kind)
    {
        return counts.get(kind.ordinal());
    }

    /**
     * @return the last failure's message of the kind, or null; any thread.
     */
    String message(final FailureKind kind)
    {
        return messages.get(kind.ordinal());
    }
}
