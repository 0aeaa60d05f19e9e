package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.ReasonCode;

/**
 * One change to the packet filter: ban (ADD) or unban (REMOVE) what a {@link Ban} names. A mutable, reusable record:
 * the batcher preallocates these as slots so handing a change to the worker allocates nothing.
 * <p>
 * The change holds its own copy of the ban ({@link #ban()}: prefix, reason, protocol, port) and what belongs to the
 * change alone: the op, the kernel timeout, the outcome and its timings. The ban is copied in with its prefix's host
 * bits cleared and its action matching the op, so the caller's instance is never kept.
 */
public final class FirewallChange
{
    public enum Op
    {
        ADD,
        REMOVE,
        /** Only in completions: a flush requested with {@link FirewallBatcher#requestFlush()}. */
        FLUSH
    }

    public enum Status
    {
        /** Not finished yet. */
        PENDING,
        /** The backend applied it. */
        APPLIED,
        /** A later change of the same prefix and reason in the same batch replaced it; the later one decides. */
        SUPERSEDED,
        /**
         * Every retry failed; {@link #error()} says why. A failed ADD is also dropped from the batcher's view of live
         * bans (so it is not re-asserted): offer it again to retry.
         */
        FAILED
    }

    public static final int PROTOCOL_ANY = 0;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PORT_ANY = 0;

    private final Ban ban = new Ban();
    private Op op = Op.ADD;
    private long timeoutSeconds;

    private Status status = Status.PENDING;
    private String error;
    private long offeredNanos;
    private long completedNanos;

    // Worker-side bookkeeping; never read by the event loop.
    String object;
    boolean fresh;
    boolean kernelMissing;
    boolean internal;
    long deadlineNanos;
    long ingestNanos;

    /**
     * @param op             ADD or REMOVE.
     * @param ban            prefix, reason, protocol and port are what the kernel acts on; every field is copied, the
     *                       prefix with its host bits cleared and the action set to match the op.
     * @param timeoutSeconds ban time left, 0 for permanent; ignored for REMOVE.
     * @return this for chaining.
     * @throws IllegalArgumentException if the op is FLUSH, the timeout negative or the reason not a packed
     *                                  {@link ReasonCode}.
     */
    public FirewallChange set(final Op op, final Ban ban, final long timeoutSeconds)
    {
        if (Op.ADD != op && Op.REMOVE != op)
        {
            throw new IllegalArgumentException("op must be ADD or REMOVE (use FirewallBatcher.requestFlush()): " + op);
        }
        checkValues(timeoutSeconds, ban.reason());

        this.op = op;
        this.ban.set(ban).action(Op.ADD == op ? BanAction.BAN : BanAction.UNBAN);
        // This holder's own prefix: masking it in place keeps the copy at one.
        this.ban.prefix().maskTo(ban.prefix().prefixLength());
        this.timeoutSeconds = timeoutSeconds;
        resetOutcome();

        return this;
    }

    void setFlush()
    {
        op = Op.FLUSH;
        ban.reset();
        timeoutSeconds = 0;
        resetOutcome();
    }

    /**
     * @return the kernel object (set or table) the worker addressed this element change to, or null for a change from
     * the loop (the backend then maps the ban itself).
     */
    public String object()
    {
        return object;
    }

    /**
     * @return true when the element was not in the kernel before this change (so states are killed for it only).
     */
    public boolean fresh()
    {
        return fresh;
    }

    /**
     * @return true when the reconciler found the kernel lacking the element although it had been written.
     */
    public boolean kernelMissing()
    {
        return kernelMissing;
    }

    public Op op()
    {
        return op;
    }

    /**
     * @return the ban this change applies: prefix, reason, protocol, port. Held by this change; read it, do not modify
     * it.
     */
    public Ban ban()
    {
        return ban;
    }

    /**
     * Ban time left, 0 for permanent. Once the batcher hands the change to a backend this holds the timeout written to
     * the kernel: the time left at that moment plus the batcher's grace, clamped to what the backend accepts.
     */
    public long timeoutSeconds()
    {
        return timeoutSeconds;
    }

    void timeoutSeconds(final long timeoutSeconds)
    {
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * @return the ban's reason as text, empty for none. Allocates.
     */
    public String reasonText()
    {
        return 0 == ban.reason() ? "" : ReasonCode.nameOf(ban.reason());
    }

    public Status status()
    {
        return status;
    }

    /**
     * @return why the change failed, or null.
     */
    public String error()
    {
        return error;
    }

    /**
     * @return {@link org.agrona.concurrent.NanoClock} time when it was offered to the batcher.
     */
    public long offeredNanos()
    {
        return offeredNanos;
    }

    /**
     * @return clock time when the backend finished with it; minus {@link #offeredNanos()} it is the time the ban took
     * to reach the packet filter.
     */
    public long completedNanos()
    {
        return completedNanos;
    }

    void offeredNanos(final long nanos)
    {
        offeredNanos = nanos;
    }

    void complete(final Status status, final String error, final long nowNanos)
    {
        this.status = status;
        this.error = error;
        this.completedNanos = nowNanos;
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(64).append(op);
        if (Op.FLUSH != op)
        {
            out.append(' ');
            AddressText.append(ban.prefix(), out);
            if (Op.ADD == op)
            {
                out.append(" timeout=").append(timeoutSeconds).append('s');
            }
            if (0 != ban.reason())
            {
                out.append(" reason=").append(reasonText());
            }
            if (PROTOCOL_ANY != ban.protocol())
            {
                out.append(" proto=").append(ban.protocol());
            }
            if (PORT_ANY != ban.port())
            {
                out.append(" port=").append(ban.port());
            }
        }

        return out.toString();
    }

    private void resetOutcome()
    {
        status = Status.PENDING;
        error = null;
        completedNanos = 0;
        internal = false;
        object = null;
        fresh = true;
        kernelMissing = false;
        deadlineNanos = 0;
        ingestNanos = 0;
    }

    // Protocol and port need no check here: Ban's setters hold them in range.
    private static void checkValues(final long timeoutSeconds, final long reason)
    {
        if (timeoutSeconds < 0)
        {
            throw new IllegalArgumentException("timeoutSeconds must be >= 0: " + timeoutSeconds);
        }
        if (0 != reason && !ReasonCode.isWellFormed(reason))
        {
            throw new IllegalArgumentException("reason is not a ReasonCode id: 0x" + Long.toHexString(reason));
        }
    }
}
