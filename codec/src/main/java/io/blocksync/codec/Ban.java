package io.blocksync.codec;

/**
 * One ban decision: the single value every part of a node speaks — control socket, detector, receiver, ban table,
 * outgoing stream, catch-up, expiry and firewall. A mutable holder meant to be reused, so handling a decision
 * allocates nothing; {@link BanRecordFlyweight#get(Ban)} and {@link BanRecordFlyweight#set(Ban)} move it to and
 * from the wire.
 * <p>
 * Wire fields (what the origin decided): action, prefix, protocol, port, origin node id, origin sequence, origin
 * time, version, duration, reason, and the origin key id and signature that vouch for them. Local fields (what this node made of it, never sent): expiry, hit count, applied-at time.
 * Times are Unix epoch milliseconds; durations are seconds.
 */
public final class Ban
{
    /** A BAN with this duration or expiry lasts until an UNBAN. */
    public static final long PERMANENT = 0;

    private static final byte[] NO_ADDRESS = new byte[AddressFamily.ADDRESS_FIELD_LENGTH];

    private final IpPrefix prefix = new IpPrefix();
    private BanAction action = BanAction.BAN;
    private int protocol;
    private int port;
    private int originNodeId;
    private long originSequence;
    private long originTimeMillis;
    private long version;
    private long durationSeconds;
    private long reason;
    private final long[] reasonWords = new long[ReasonCode.WORDS];
    private long expiresAtMillis;
    private int hitCount;
    private long appliedAtMillis;
    private int originKeyId;
    private final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];

    /** Clear every field: a BAN of 0.0.0.0/0 with nothing else set. */
    public Ban reset()
    {
        prefix.set(AddressFamily.IPV4, NO_ADDRESS, 0);
        action = BanAction.BAN;
        protocol = 0;
        port = 0;
        originNodeId = 0;
        originSequence = 0;
        originTimeMillis = 0;
        version = 0;
        durationSeconds = 0;
        reason = 0;
        java.util.Arrays.fill(reasonWords, 0);
        expiresAtMillis = 0;
        hitCount = 0;
        appliedAtMillis = 0;
        originKeyId = 0;
        java.util.Arrays.fill(signature, (byte)0);
        return this;
    }

    /** Copy every field of another ban. */
    public Ban set(final Ban other)
    {
        prefix.set(other.prefix);
        action = other.action;
        protocol = other.protocol;
        port = other.port;
        originNodeId = other.originNodeId;
        originSequence = other.originSequence;
        originTimeMillis = other.originTimeMillis;
        version = other.version;
        durationSeconds = other.durationSeconds;
        reason = other.reason;
        System.arraycopy(other.reasonWords, 0, reasonWords, 0, reasonWords.length);
        expiresAtMillis = other.expiresAtMillis;
        hitCount = other.hitCount;
        appliedAtMillis = other.appliedAtMillis;
        originKeyId = other.originKeyId;
        System.arraycopy(other.signature, 0, signature, 0, signature.length);
        return this;
    }

    public BanAction action()
    {
        return action;
    }

    public Ban action(final BanAction action)
    {
        this.action = action;
        return this;
    }

    public boolean isBan()
    {
        return BanAction.BAN == action;
    }

    public boolean isUnban()
    {
        return BanAction.UNBAN == action;
    }

    /** The banned prefix; owned by this holder (mutate it only through {@link #prefix(IpPrefix)}). */
    public IpPrefix prefix()
    {
        return prefix;
    }

    /** Copies the prefix in; the caller's instance is never kept. */
    public Ban prefix(final IpPrefix prefix)
    {
        this.prefix.set(prefix);
        return this;
    }

    /** IANA protocol number 0-255, 0 = any. */
    public int protocol()
    {
        return protocol;
    }

    /**
     * @throws IllegalArgumentException outside 0-255.
     */
    public Ban protocol(final int protocol)
    {
        if (protocol < 0 || protocol > 0xFF)
        {
            throw new IllegalArgumentException("protocol " + protocol + " out of range 0-255");
        }
        this.protocol = protocol;
        return this;
    }

    /** Destination port 0-65535, 0 = any. */
    public int port()
    {
        return port;
    }

    /**
     * @throws IllegalArgumentException outside 0-65535.
     */
    public Ban port(final int port)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("port " + port + " out of range 0-65535");
        }
        this.port = port;
        return this;
    }

    /** The node that made the decision. */
    public int originNodeId()
    {
        return originNodeId;
    }

    public Ban originNodeId(final int originNodeId)
    {
        this.originNodeId = originNodeId;
        return this;
    }

    /** The origin's own sequence number for this decision, 1, 2, 3, ... */
    public long originSequence()
    {
        return originSequence;
    }

    public Ban originSequence(final long originSequence)
    {
        this.originSequence = originSequence;
        return this;
    }

    /** When the origin made the decision, by its clock, epoch ms. */
    public long originTimeMillis()
    {
        return originTimeMillis;
    }

    public Ban originTimeMillis(final long originTimeMillis)
    {
        this.originTimeMillis = originTimeMillis;
        return this;
    }

    /**
     * The decision's version: the origin's hybrid logical clock when it decided (wall ms &lt;&lt; 16 | logical counter).
     * For one prefix the higher version wins, ties to the higher origin node id.
     */
    public long version()
    {
        return version;
    }

    public Ban version(final long version)
    {
        this.version = version;
        return this;
    }

    /** Which of the origin's keys signed the decision, 0-255. */
    public int originKeyId()
    {
        return originKeyId;
    }

    public Ban originKeyId(final int originKeyId)
    {
        this.originKeyId = originKeyId;
        return this;
    }

    /**
     * The origin's 64-byte Ed25519 signature of the decision's wire fields (see {@link BanRecordFlyweight}), kept so
     * that any node can relay it. The array is this holder's own: read it, or write through {@link #signature(
     * org.agrona.DirectBuffer, int)}.
     */
    public byte[] signature()
    {
        return signature;
    }

    /** Copy a 64-byte signature in from {@code buffer[offset]}. */
    public Ban signature(final org.agrona.DirectBuffer buffer, final int offset)
    {
        buffer.getBytes(offset, signature, 0, signature.length);
        return this;
    }

    /** How long the ban lasts, seconds; {@link #PERMANENT} for no end, 0 in an UNBAN. Unsigned 32 bits on the wire. */
    public long durationSeconds()
    {
        return durationSeconds;
    }

    public Ban durationSeconds(final long durationSeconds)
    {
        this.durationSeconds = durationSeconds;
        return this;
    }

    /** The reason's identity in this process, {@link ReasonCode#id()} (0: none); its text is in the reason words. */
    public long reason()
    {
        return reason;
    }

    /**
     * Set the reason by its id: a short reason's words follow from the id itself, a long one's from
     * {@link ReasonNames} (words left zero when it is not kept there). Code that has the text or another ban uses
     * {@link #reason(ReasonCode)} or {@link #reasonOf(Ban)}.
     */
    public Ban reason(final long id)
    {
        this.reason = id;
        java.util.Arrays.fill(reasonWords, 0);
        if (id > 0)
        {
            reasonWords[0] = id;
        }
        else if (id < 0)
        {
            final ReasonCode known = ReasonNames.find(id);
            if (null != known)
            {
                for (int i = 0; i < reasonWords.length; i++)
                {
                    reasonWords[i] = known.word(i);
                }
            }
        }
        return this;
    }

    public Ban reason(final ReasonCode code)
    {
        this.reason = code.id();
        for (int i = 0; i < reasonWords.length; i++)
        {
            reasonWords[i] = code.word(i);
        }
        return this;
    }

    /** Copy another ban's reason, text and id. */
    public Ban reasonOf(final Ban other)
    {
        this.reason = other.reason;
        System.arraycopy(other.reasonWords, 0, reasonWords, 0, reasonWords.length);
        return this;
    }

    /**
     * Set the reason from its zero-padded text as five little-endian words, as the record and the store hold it
     * (see {@link ReasonCode}); the id follows, and a long reason is noted in {@link ReasonNames} (allocation-free
     * once it is known).
     */
    public Ban reasonWords(final long w0, final long w1, final long w2, final long w3, final long w4)
    {
        reasonWords[0] = w0;
        reasonWords[1] = w1;
        reasonWords[2] = w2;
        reasonWords[3] = w3;
        reasonWords[4] = w4;
        reason = ReasonCode.id(w0, w1, w2, w3, w4);
        ReasonNames.note(reason, reasonWords);
        return this;
    }

    /** Word {@code index} (0 to 4) of the reason's zero-padded text. */
    public long reasonWord(final int index)
    {
        return reasonWords[index];
    }

    /** Append the reason's text; allocation-free. */
    public StringBuilder appendReason(final StringBuilder out)
    {
        ReasonCode.appendText(reasonWords, out);
        return out;
    }

    /** The reason's text; allocates. */
    public String reasonText()
    {
        return appendReason(new StringBuilder(ReasonCode.MAX_LENGTH)).toString();
    }

    /**
     * Local: BAN — when it ends on this node, epoch ms, {@link #PERMANENT} for never; UNBAN — when the tombstone may
     * be dropped.
     */
    public long expiresAtMillis()
    {
        return expiresAtMillis;
    }

    public Ban expiresAtMillis(final long expiresAtMillis)
    {
        this.expiresAtMillis = expiresAtMillis;
        return this;
    }

    /** Local: events that led to the ban (or were seen since). */
    public int hitCount()
    {
        return hitCount;
    }

    public Ban hitCount(final int hitCount)
    {
        this.hitCount = hitCount;
        return this;
    }

    /** Local: when this node stored the decision, epoch ms by its own clock. */
    public long appliedAtMillis()
    {
        return appliedAtMillis;
    }

    public Ban appliedAtMillis(final long appliedAtMillis)
    {
        this.appliedAtMillis = appliedAtMillis;
        return this;
    }

    /** A BAN that has not expired at {@code nowMillis}. */
    public boolean isActiveAt(final long nowMillis)
    {
        return isBan() && (expiresAtMillis == PERMANENT || expiresAtMillis > nowMillis);
    }

    /**
     * Whether the entry's time is up at {@code nowMillis}, the one expiry rule of a node's ban table: a BAN once its
     * expiry has passed (never when permanent), an UNBAN tombstone once its retention, kept in
     * {@link #expiresAtMillis()}, has passed.
     */
    public boolean isExpiredAt(final long nowMillis)
    {
        return (isUnban() || expiresAtMillis != PERMANENT) && expiresAtMillis <= nowMillis;
    }

    /** For logs and test failures; allocates. */
    public String toString()
    {
        return action + " " + prefix + " reason " + reasonText() + " proto " + protocol + " port " + port +
            " origin " + originNodeId + "#" + originSequence + " at " + originTimeMillis + " v " + version + " for " + durationSeconds +
            "s expires " + expiresAtMillis;
    }
}
