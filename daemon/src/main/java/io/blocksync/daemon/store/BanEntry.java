package io.blocksync.daemon.store;

/**
 * Mutable holder for one stored ban decision, reused by callers so that reading and writing the store allocates
 * nothing. The store keeps each value as a fixed 64-byte record in the platform's native byte order:
 * <pre>
 *  offset size field
 *   0     1    action               {@link #BAN} or {@link #UNBAN} (a tombstone that beats older bans)
 *   1     1    protocol             IP protocol number, 0 = any
 *   2     2    port                 0 = any
 *   4     4    flags                free for the daemon's use
 *   8     4    origin node id       node that made the decision
 *  12     4    hit count            events that led to it (or were seen since)
 *  16     8    origin sequence      the origin's sequence number for this decision
 *  24     8    origin time millis   when the origin made it (its clock)
 *  32     8    expires at millis    BAN: 0 = permanent; UNBAN: keep the tombstone at least until then, 0 = no minimum
 *  40     8    duration seconds     as decided by the origin
 *  48     8    reason               8 ASCII bytes packed little-endian, as io.blocksync.codec.ReasonCode.packed()
 *  56     8    applied at millis    when this node stored it (local clock)
 * </pre>
 * The layout is part of the state file format: change it only together with {@link BanStore#FORMAT_VERSION}.
 */
public final class BanEntry
{
    public static final int BAN = 1;
    public static final int UNBAN = 2;

    public static final int ACTION_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 1;
    public static final int PORT_OFFSET = 2;
    public static final int FLAGS_OFFSET = 4;
    public static final int ORIGIN_NODE_ID_OFFSET = 8;
    public static final int HIT_COUNT_OFFSET = 12;
    public static final int ORIGIN_SEQUENCE_OFFSET = 16;
    public static final int ORIGIN_TIME_MILLIS_OFFSET = 24;
    public static final int EXPIRES_AT_MILLIS_OFFSET = 32;
    public static final int DURATION_SECONDS_OFFSET = 40;
    public static final int REASON_OFFSET = 48;
    public static final int APPLIED_AT_MILLIS_OFFSET = 56;
    public static final int LENGTH = 64;

    /** How long an UNBAN tombstone is kept after it was applied here, at least: one day. */
    public static final long TOMBSTONE_RETENTION_MILLIS = 24L * 60 * 60 * 1000;

    private int action;
    private int protocol;
    private int port;
    private int flags;
    private int originNodeId;
    private int hitCount;
    private long originSequence;
    private long originTimeMillis;
    private long expiresAtMillis;
    private long durationSeconds;
    private long reason;
    private long appliedAtMillis;

    public int action()
    {
        return action;
    }

    /**
     * @param action {@link #BAN} or {@link #UNBAN}; the store refuses anything else on put.
     * @return this for chaining.
     */
    public BanEntry action(final int action)
    {
        this.action = action;
        return this;
    }

    public boolean isBan()
    {
        return BAN == action;
    }

    public boolean isUnban()
    {
        return UNBAN == action;
    }

    public int protocol()
    {
        return protocol;
    }

    /**
     * @param protocol IP protocol number 0 to 255, 0 = any.
     * @return this for chaining.
     * @throws IllegalArgumentException if out of range.
     */
    public BanEntry protocol(final int protocol)
    {
        if (protocol < 0 || protocol > 0xFF)
        {
            throw new IllegalArgumentException("protocol " + protocol + " out of range 0-255");
        }
        this.protocol = protocol;
        return this;
    }

    public int port()
    {
        return port;
    }

    /**
     * @param port 0 to 65535, 0 = any.
     * @return this for chaining.
     * @throws IllegalArgumentException if out of range.
     */
    public BanEntry port(final int port)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
        this.port = port;
        return this;
    }

    public int flags()
    {
        return flags;
    }

    public BanEntry flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    public int originNodeId()
    {
        return originNodeId;
    }

    public BanEntry originNodeId(final int originNodeId)
    {
        this.originNodeId = originNodeId;
        return this;
    }

    public int hitCount()
    {
        return hitCount;
    }

    public BanEntry hitCount(final int hitCount)
    {
        this.hitCount = hitCount;
        return this;
    }

    public long originSequence()
    {
        return originSequence;
    }

    public BanEntry originSequence(final long originSequence)
    {
        this.originSequence = originSequence;
        return this;
    }

    public long originTimeMillis()
    {
        return originTimeMillis;
    }

    public BanEntry originTimeMillis(final long originTimeMillis)
    {
        this.originTimeMillis = originTimeMillis;
        return this;
    }

    public long expiresAtMillis()
    {
        return expiresAtMillis;
    }

    /**
     * @param expiresAtMillis for a BAN the time it ends, 0 = permanent; for an UNBAN the earliest time the tombstone
     *                        may be purged (e.g. the expiry of the ban it cancels), 0 = no minimum.
     * @return this for chaining.
     */
    public BanEntry expiresAtMillis(final long expiresAtMillis)
    {
        this.expiresAtMillis = expiresAtMillis;
        return this;
    }

    public long durationSeconds()
    {
        return durationSeconds;
    }

    public BanEntry durationSeconds(final long durationSeconds)
    {
        this.durationSeconds = durationSeconds;
        return this;
    }

    /**
     * @return the reason packed as by io.blocksync.codec.ReasonCode.packed().
     */
    public long reason()
    {
        return reason;
    }

    public BanEntry reason(final long packedReason)
    {
        this.reason = packedReason;
        return this;
    }

    public long appliedAtMillis()
    {
        return appliedAtMillis;
    }

    public BanEntry appliedAtMillis(final long appliedAtMillis)
    {
        this.appliedAtMillis = appliedAtMillis;
        return this;
    }

    /**
     * Whether {@link BanStore#purgeExpired(long)} drops this entry: a BAN once its expiry has passed (never when
     * permanent); an UNBAN tombstone once it is older than {@link #TOMBSTONE_RETENTION_MILLIS} and its expires-at,
     * if set, has passed, so that a copy of the cancelled ban still in flight cannot resurrect it.
     *
     * @param nowMillis wall-clock time.
     * @return true if the entry may be removed.
     */
    public boolean isPurgeable(final long nowMillis)
    {
        if (UNBAN == action)
        {
            return nowMillis - appliedAtMillis >= TOMBSTONE_RETENTION_MILLIS && expiresAtMillis <= nowMillis;
        }

        return 0 != expiresAtMillis && expiresAtMillis <= nowMillis;
    }

    /**
     * Copy every field of another entry.
     *
     * @param other to copy.
     * @return this for chaining.
     */
    public BanEntry set(final BanEntry other)
    {
        action = other.action;
        protocol = other.protocol;
        port = other.port;
        flags = other.flags;
        originNodeId = other.originNodeId;
        hitCount = other.hitCount;
        originSequence = other.originSequence;
        originTimeMillis = other.originTimeMillis;
        expiresAtMillis = other.expiresAtMillis;
        durationSeconds = other.durationSeconds;
        reason = other.reason;
        appliedAtMillis = other.appliedAtMillis;
        return this;
    }

    /**
     * Set every field to zero (action 0 is not storable until set).
     *
     * @return this for chaining.
     */
    public BanEntry reset()
    {
        action = 0;
        protocol = 0;
        port = 0;
        flags = 0;
        originNodeId = 0;
        hitCount = 0;
        originSequence = 0;
        originTimeMillis = 0;
        expiresAtMillis = 0;
        durationSeconds = 0;
        reason = 0;
        appliedAtMillis = 0;
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }

        if (!(o instanceof BanEntry))
        {
            return false;
        }

        final BanEntry that = (BanEntry)o;

        return action == that.action &&
            protocol == that.protocol &&
            port == that.port &&
            flags == that.flags &&
            originNodeId == that.originNodeId &&
            hitCount == that.hitCount &&
            originSequence == that.originSequence &&
            originTimeMillis == that.originTimeMillis &&
            expiresAtMillis == that.expiresAtMillis &&
            durationSeconds == that.durationSeconds &&
            reason == that.reason &&
            appliedAtMillis == that.appliedAtMillis;
    }

    @Override
    public int hashCode()
    {
        int result = action;
        result = 31 * result + protocol;
        result = 31 * result + port;
        result = 31 * result + flags;
        result = 31 * result + originNodeId;
        result = 31 * result + hitCount;
        result = 31 * result + Long.hashCode(originSequence);
        result = 31 * result + Long.hashCode(originTimeMillis);
        result = 31 * result + Long.hashCode(expiresAtMillis);
        result = 31 * result + Long.hashCode(durationSeconds);
        result = 31 * result + Long.hashCode(reason);
        result = 31 * result + Long.hashCode(appliedAtMillis);
        return result;
    }

    @Override
    public String toString()
    {
        return "BanEntry{" +
            "action=" + (BAN == action ? "BAN" : UNBAN == action ? "UNBAN" : Integer.toString(action)) +
            ", protocol=" + protocol +
            ", port=" + port +
            ", flags=" + flags +
            ", originNodeId=" + originNodeId +
            ", hitCount=" + hitCount +
            ", originSequence=" + originSequence +
            ", originTimeMillis=" + originTimeMillis +
            ", expiresAtMillis=" + expiresAtMillis +
            ", durationSeconds=" + durationSeconds +
            ", reason=0x" + Long.toHexString(reason) +
            ", appliedAtMillis=" + appliedAtMillis +
            '}';
    }
}
