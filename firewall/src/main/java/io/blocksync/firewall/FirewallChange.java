package io.blocksync.firewall;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;

/**
 * One change to the packet filter: ban (ADD) or unban (REMOVE) a prefix. A mutable, reusable record: the batcher
 * preallocates these as slots so handing a change to the worker allocates nothing.
 * <p>
 * The prefix is copied in and its host bits cleared, so the caller's instance is never kept.
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

    private static final byte[] NO_ADDRESS = new byte[AddressFamily.IPV4_ADDRESS_LENGTH];

    private final IpPrefix prefix = new IpPrefix();
    private Op op = Op.ADD;
    private long timeoutSeconds;
    private long reason;
    private int protocol;
    private int port;

    private Status status = Status.PENDING;
    private String error;
    private long offeredNanos;
    private long completedNanos;

    // Worker-side bookkeeping; never read by the event loop.
    boolean internal;
    long deadlineNanos;
    long ingestNanos;

    public FirewallChange()
    {
    }

    /**
     * Convenience for tests, reconciliation lists and tools: a new change set from the arguments.
     */
    public FirewallChange(
        final Op op,
        final IpPrefix prefix,
        final long timeoutSeconds,
        final long reason,
        final int protocol,
        final int port)
    {
        set(op, prefix, timeoutSeconds, reason, protocol, port);
    }

    /**
     * @param op             ADD or REMOVE.
     * @param prefix         copied; host bits are cleared in the copy.
     * @param timeoutSeconds ban time left, 0 for permanent; ignored for REMOVE.
     * @param reason         packed {@link ReasonCode}, or 0 for none.
     * @param protocol       IP protocol number, {@link #PROTOCOL_ANY} for all.
     * @param port           1 to 65535, or {@link #PORT_ANY}.
     * @return this for chaining.
     * @throws IllegalArgumentException if a value is out of range.
     */
    public FirewallChange set(
        final Op op,
        final IpPrefix prefix,
        final long timeoutSeconds,
        final long reason,
        final int protocol,
        final int port)
    {
        if (Op.ADD != op && Op.REMOVE != op)
        {
            throw new IllegalArgumentException("op must be ADD or REMOVE (use FirewallBatcher.requestFlush()): " + op);
        }
        checkValues(timeoutSeconds, reason, protocol, port);

        this.op = op;
        this.prefix.set(prefix).maskTo(prefix.prefixLength());
        this.timeoutSeconds = timeoutSeconds;
        this.reason = reason;
        this.protocol = protocol;
        this.port = port;
        resetOutcome();

        return this;
    }

    void setFlush()
    {
        op = Op.FLUSH;
        prefix.set(AddressFamily.IPV4, NO_ADDRESS, 0);
        timeoutSeconds = 0;
        reason = 0;
        protocol = PROTOCOL_ANY;
        port = PORT_ANY;
        resetOutcome();
    }

    public Op op()
    {
        return op;
    }

    /**
     * @return the prefix held by this change; read it, do not modify it.
     */
    public IpPrefix prefix()
    {
        return prefix;
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
     * @return packed {@link ReasonCode}, 0 for none.
     */
    public long reason()
    {
        return reason;
    }

    /**
     * @return the reason as text, empty for none. Allocates.
     */
    public String reasonText()
    {
        return 0 == reason ? "" : ReasonCode.unpack(reason);
    }

    public int protocol()
    {
        return protocol;
    }

    public int port()
    {
        return port;
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
            AddressText.append(prefix, out);
            if (Op.ADD == op)
            {
                out.append(" timeout=").append(timeoutSeconds).append('s');
            }
            if (0 != reason)
            {
                out.append(" reason=").append(reasonText());
            }
            if (PROTOCOL_ANY != protocol)
            {
                out.append(" proto=").append(protocol);
            }
            if (PORT_ANY != port)
            {
                out.append(" port=").append(port);
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
        deadlineNanos = 0;
        ingestNanos = 0;
    }

    private static void checkValues(final long timeoutSeconds, final long reason, final int protocol, final int port)
    {
        if (timeoutSeconds < 0)
        {
            throw new IllegalArgumentException("timeoutSeconds must be >= 0: " + timeoutSeconds);
        }
        if (0 != reason && !ReasonCode.isWellFormed(reason))
        {
            throw new IllegalArgumentException("reason is not a packed ReasonCode: 0x" + Long.toHexString(reason));
        }
        if (protocol < 0 || protocol > 255)
        {
            throw new IllegalArgumentException("protocol must be 0-255: " + protocol);
        }
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
    }
}
