package io.blocksync.nativeio;

/**
 * One logged packet as the detector sees it, whatever log it came from: where the record was, whether it decoded,
 * what the logging rule attached (interface, log prefix, pf action and rule, NFLOG group, ...) and the
 * {@link #packet() packet}'s own fields. A single mutable instance is reused for every record; copy what you keep.
 * Text fields are {@link LogText}s, bytes with a length, so that nothing is allocated per event.
 * <p>
 * A field the log does not carry is {@link #NONE} (-1), or an empty text; for example NFLOG has no pf action and
 * pflog has no group.
 */
public final class AttackEvent
{
    public static final int NONE = -1;

    /** pf interface names are at most 15 bytes and a NUL. */
    public static final int IFNAME_CAPACITY = 16;

    /** The kernel caps NFLOG log prefixes at 128 bytes with the NUL; pf rulesets at 16. */
    public static final int LOG_PREFIX_CAPACITY = 128;

    private final LogText ifname = new LogText(IFNAME_CAPACITY);
    private final LogText logPrefix = new LogText(LOG_PREFIX_CAPACITY);
    private final LoggedPacket packet = new LoggedPacket();

    private long timeNanos;
    private int linkType;
    private long recordIndex;
    private long streamOffset;
    private DecodeResult result = DecodeResult.OK;
    private DecodeError error = DecodeError.NONE;
    private long errorOffset;
    private long errorValue;
    private long errorLimit;

    private int action;
    private int reason;
    private int direction;
    private long ruleNumber;
    private long subruleNumber;
    private int group;
    private long inputInterfaceIndex;
    private long outputInterfaceIndex;
    private long uid;
    private long gid;
    private long mark;

    public AttackEvent()
    {
        reset();
    }

    /**
     * Clear every field to "absent".
     *
     * @return this for chaining.
     */
    public AttackEvent reset()
    {
        timeNanos = 0;
        linkType = NONE;
        recordIndex = 0;
        streamOffset = 0;
        result = DecodeResult.OK;
        error = DecodeError.NONE;
        errorOffset = 0;
        errorValue = 0;
        errorLimit = 0;
        ifname.clear();
        logPrefix.clear();
        action = NONE;
        reason = NONE;
        direction = NONE;
        ruleNumber = NONE;
        subruleNumber = NONE;
        group = NONE;
        inputInterfaceIndex = NONE;
        outputInterfaceIndex = NONE;
        uid = NONE;
        gid = NONE;
        mark = NONE;
        packet.reset();

        return this;
    }

    // Record.

    /**
     * @return capture time, nanoseconds since the epoch.
     */
    public long timeNanos()
    {
        return timeNanos;
    }

    public AttackEvent timeNanos(final long timeNanos)
    {
        this.timeNanos = timeNanos;
        return this;
    }

    /**
     * @return the LINKTYPE_ value of the record, see {@link LinkType}.
     */
    public int linkType()
    {
        return linkType;
    }

    public AttackEvent linkType(final int linkType)
    {
        this.linkType = linkType;
        return this;
    }

    /**
     * @return 1-based index of the record in its capture stream, 0 if not from a stream.
     */
    public long recordIndex()
    {
        return recordIndex;
    }

    /**
     * @return byte offset of the record in its capture stream.
     */
    public long streamOffset()
    {
        return streamOffset;
    }

    public AttackEvent record(final long recordIndex, final long streamOffset)
    {
        this.recordIndex = recordIndex;
        this.streamOffset = streamOffset;
        return this;
    }

    // Outcome.

    public DecodeResult result()
    {
        return result;
    }

    /**
     * @return true if the record decoded without error; the fields of a failed record may be partly set.
     */
    public boolean isOk()
    {
        return DecodeResult.OK == result;
    }

    public DecodeError error()
    {
        return error;
    }

    /**
     * @return where the error was found: bytes from the start of the record, or of the stream for capture errors.
     */
    public long errorOffset()
    {
        return errorOffset;
    }

    public long errorValue()
    {
        return errorValue;
    }

    public long errorLimit()
    {
        return errorLimit;
    }

    /**
     * Record an error; the result follows from it.
     *
     * @param error       what is wrong.
     * @param errorOffset where.
     * @param value       the offending value.
     * @param limit       the expected value or bound.
     * @return this for chaining.
     */
    public AttackEvent error(final DecodeError error, final long errorOffset, final long value, final long limit)
    {
        this.error = error;
        this.result = error.result();
        this.errorOffset = errorOffset;
        this.errorValue = value;
        this.errorLimit = limit;
        return this;
    }

    /**
     * Append what is wrong, e.g. {@code "record 1 at byte 24: TLV claims 256 bytes, only 8 remain (offset 4)"}.
     *
     * @param out to append to.
     */
    public void appendError(final StringBuilder out)
    {
        AttackEventText.appendError(this, out);
    }

    // Filter fields.

    /**
     * @return the live interface name: pflog's ifname; empty for other logs.
     */
    public LogText ifname()
    {
        return ifname;
    }

    /**
     * @return the live log prefix: the text the logging rule attached (nftables/iptables {@code log prefix "..."},
     * NFLOG's NFULA_PREFIX); for pflog the pf ruleset, for pf-table the table name; empty if none.
     */
    public LogText logPrefix()
    {
        return logPrefix;
    }

    /**
     * @return pf action (0 pass, 1 block, ...), or {@link #NONE}.
     */
    public int action()
    {
        return action;
    }

    public AttackEvent action(final int action)
    {
        this.action = action;
        return this;
    }

    /**
     * @return pf reason code, or {@link #NONE}.
     */
    public int reason()
    {
        return reason;
    }

    public AttackEvent reason(final int reason)
    {
        this.reason = reason;
        return this;
    }

    /**
     * @return pf direction (0 in/out, 1 in, 2 out), or {@link #NONE}.
     */
    public int direction()
    {
        return direction;
    }

    public AttackEvent direction(final int direction)
    {
        this.direction = direction;
        return this;
    }

    /**
     * @return pf rule number, or {@link #NONE}.
     */
    public long ruleNumber()
    {
        return ruleNumber;
    }

    public AttackEvent ruleNumber(final long ruleNumber)
    {
        this.ruleNumber = ruleNumber;
        return this;
    }

    /**
     * @return pf subrule number, {@link PflogHeaderFlyweight#NO_SUBRULE} outside anchors, or {@link #NONE}.
     */
    public long subruleNumber()
    {
        return subruleNumber;
    }

    public AttackEvent subruleNumber(final long subruleNumber)
    {
        this.subruleNumber = subruleNumber;
        return this;
    }

    /**
     * @return NFLOG group (resource id), or {@link #NONE}.
     */
    public int group()
    {
        return group;
    }

    public AttackEvent group(final int group)
    {
        this.group = group;
        return this;
    }

    /**
     * @return NFLOG input interface index, or {@link #NONE}.
     */
    public long inputInterfaceIndex()
    {
        return inputInterfaceIndex;
    }

    public AttackEvent inputInterfaceIndex(final long index)
    {
        this.inputInterfaceIndex = index;
        return this;
    }

    public long outputInterfaceIndex()
    {
        return outputInterfaceIndex;
    }

    public AttackEvent outputInterfaceIndex(final long index)
    {
        this.outputInterfaceIndex = index;
        return this;
    }

    /**
     * @return NFLOG socket owner uid (locally generated packets only), or {@link #NONE}.
     */
    public long uid()
    {
        return uid;
    }

    public AttackEvent uid(final long uid)
    {
        this.uid = uid;
        return this;
    }

    public long gid()
    {
        return gid;
    }

    public AttackEvent gid(final long gid)
    {
        this.gid = gid;
        return this;
    }

    /**
     * @return NFLOG packet mark, or {@link #NONE}.
     */
    public long mark()
    {
        return mark;
    }

    public AttackEvent mark(final long mark)
    {
        this.mark = mark;
        return this;
    }

    // Packet fields.

    /**
     * @return the live fields of the logged packet: addresses, protocol, ports, ICMP type and code.
     */
    public LoggedPacket packet()
    {
        return packet;
    }

    /**
     * Append a one-line summary, e.g.
     * {@code pflog ifname=vio0 action=1 rule=5 proto=6 src=10.200.200.254 sport=41917 dst=10.200.200.154 dport=23}.
     * Absent fields are left out; a failed record ends with {@code error="..."}.
     *
     * @param out to append to.
     */
    public void appendTo(final StringBuilder out)
    {
        AttackEventText.appendSummary(this, out);
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(160);
        appendTo(out);

        return out.toString();
    }
}
