package io.blocksync.firewall;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Failures between the firewall worker and the kernel, per {@link FailureKind}: counted (readable from any thread),
 * the last message kept, and logged once per streak with the tool's own message: the first failure of a kind, a
 * failure with a different message, and the recovery; not every retry.
 */
final class FirewallFailures
{
    private static final FailureKind[] KINDS = FailureKind.values();

    private final AtomicLongArray counts = new AtomicLongArray(KINDS.length);
    private final AtomicReferenceArray<String> messages = new AtomicReferenceArray<>(KINDS.length);
    private final String[] streakMessage = new String[KINDS.length];
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
     * Worker thread: count one failure of the kind and log it unless the same failure is already logged.
     */
    void failed(final FailureKind kind, final String message)
    {
        final int i = kind.ordinal();
        messages.set(i, message);
        counts.incrementAndGet(i);
        streakCount[i]++;
        if (!message.equals(streakMessage[i]))
        {
            streakMessage[i] = message;
            log.accept(label + ": " + kind.label() + " failed: " + message +
                (FailureKind.DRIFT == kind ? "" : " (retried with backoff; logged again only if it changes)"));
        }
    }

    /**
     * Worker thread: the kind works again; logs the end of a streak.
     */
    void recovered(final FailureKind kind)
    {
        final int i = kind.ordinal();
        if (null != streakMessage[i])
        {
            if (FailureKind.DRIFT != kind)
            {
                log.accept(label + ": " + kind.label() + " works again after " + streakCount[i] + " failures");
            }
            streakMessage[i] = null;
            streakCount[i] = 0;
        }
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
