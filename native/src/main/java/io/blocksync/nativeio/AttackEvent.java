package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

/**
 * One logged packet as the detector sees it, whatever log it came from. A single mutable instance is reused for
 * every record; copy what you keep. Text fields are held as bytes with a length so that nothing is allocated per
 * event: compare them with {@link #ifnameEquals(CharSequence)} and friends, append them with
 * {@link #appendIfname(StringBuilder)}.
 * <p>
 * A field the log does not carry is {@link #NONE} (-1), or an empty text; for example NFLOG has no pf action and
 * pflog has no group.
 */
public final class AttackEvent
{
    public static final int NONE = -1;

    /** pf interface names are at most 15 bytes and a NUL. */
    public static final int IFNAME_CAPACITY = 16;

    /** The kernel caps NFLOG prefixes at 128 bytes with the NUL; pf rulesets at 16. */
    public static final int PREFIX_CAPACITY = 128;

    private final byte[] ifname = new byte[IFNAME_CAPACITY];
    private final byte[] prefix = new byte[PREFIX_CAPACITY];
    private final IpPrefix source = new IpPrefix();
    private final IpPrefix destination = new IpPrefix();

    private long timeNanos;
    private int linkType;
    private long recordIndex;
    private long streamOffset;
    private DecodeResult result = DecodeResult.OK;
    private DecodeError error = DecodeError.NONE;
    private long errorOffset;
    private long errorValue;
    private long errorLimit;

    private int ifnameLength;
    private int prefixLength;
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

    private int ipVersion;
    private int protocol;
    private int sourcePort;
    private int destinationPort;
    private int icmpType;
    private int icmpCode;
    private boolean packetTruncated;
    private boolean fragment;

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
        ifnameLength = 0;
        prefixLength = 0;
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
        ipVersion = 0;
        protocol = NONE;
        sourcePort = NONE;
        destinationPort = NONE;
        icmpType = NONE;
        icmpCode = NONE;
        packetTruncated = false;
        fragment = false;

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
        if (recordIndex > 0)
        {
            out.append("record ").append(recordIndex).append(" at byte ").append(streamOffset).append(": ");
            error.appendMessage(out, errorValue, errorLimit);
            out.append(" (record offset ").append(errorOffset).append(')');
        }
        else
        {
            out.append("byte ").append(errorOffset).append(": ");
            error.appendMessage(out, errorValue, errorLimit);
        }
    }

    // Filter fields.

    public int ifnameLength()
    {
        return ifnameLength;
    }

    /**
     * @return the live interface name bytes; only the first {@link #ifnameLength()} are meaningful.
     */
    public byte[] ifnameBytes()
    {
        return ifname;
    }

    /**
     * @param bytes  name bytes, cut at {@link #IFNAME_CAPACITY}.
     * @param length of the name.
     * @return this for chaining.
     */
    public AttackEvent ifname(final byte[] bytes, final int length)
    {
        ifnameLength = Math.min(length, IFNAME_CAPACITY);
        System.arraycopy(bytes, 0, ifname, 0, ifnameLength);
        return this;
    }

    public AttackEvent ifname(final CharSequence text)
    {
        ifnameLength = ByteText.fromAscii(text, ifname);
        return this;
    }

    public boolean ifnameEquals(final CharSequence text)
    {
        return ByteText.equalsAscii(ifname, ifnameLength, text);
    }

    /**
     * Append the interface name; bytes outside printable ASCII appear as {@code \xNN}.
     *
     * @param out to append to.
     */
    public void appendIfname(final StringBuilder out)
    {
        ByteText.append(ifname, ifnameLength, out);
    }

    public int prefixLength()
    {
        return prefixLength;
    }

    /**
     * @return the live prefix bytes (NFLOG prefix or pf ruleset); only the first {@link #prefixLength()} count.
     */
    public byte[] prefixBytes()
    {
        return prefix;
    }

    public AttackEvent prefix(final byte[] bytes, final int length)
    {
        prefixLength = Math.min(length, PREFIX_CAPACITY);
        System.arraycopy(bytes, 0, prefix, 0, prefixLength);
        return this;
    }

    public AttackEvent prefix(final CharSequence text)
    {
        prefixLength = ByteText.fromAscii(text, prefix);
        return this;
    }

    /**
     * @param length bytes filled in through {@link #prefixBytes()}, cut at {@link #PREFIX_CAPACITY}.
     * @return this for chaining.
     */
    public AttackEvent prefixLength(final int length)
    {
        prefixLength = Math.max(0, Math.min(length, PREFIX_CAPACITY));
        return this;
    }

    public boolean prefixEquals(final CharSequence text)
    {
        return ByteText.equalsAscii(prefix, prefixLength, text);
    }

    public boolean prefixStartsWith(final CharSequence text)
    {
        return text.length() <= prefixLength && ByteText.equalsAscii(prefix, text.length(), text);
    }

    public void appendPrefix(final StringBuilder out)
    {
        ByteText.append(prefix, prefixLength, out);
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
     * @return 4 or 6 once the addresses are known, else 0.
     */
    public int ipVersion()
    {
        return ipVersion;
    }

    public AttackEvent ipVersion(final int ipVersion)
    {
        this.ipVersion = ipVersion;
        return this;
    }

    public boolean hasAddresses()
    {
        return 0 != ipVersion;
    }

    /**
     * @return the live source prefix (/32 or /128); meaningful if {@link #hasAddresses()}.
     */
    public IpPrefix source()
    {
        return source;
    }

    public IpPrefix destination()
    {
        return destination;
    }

    /**
     * @return upper-layer protocol number, or {@link #NONE}.
     */
    public int protocol()
    {
        return protocol;
    }

    public AttackEvent protocol(final int protocol)
    {
        this.protocol = protocol;
        return this;
    }

    public int sourcePort()
    {
        return sourcePort;
    }

    public AttackEvent sourcePort(final int sourcePort)
    {
        this.sourcePort = sourcePort;
        return this;
    }

    public int destinationPort()
    {
        return destinationPort;
    }

    public AttackEvent destinationPort(final int destinationPort)
    {
        this.destinationPort = destinationPort;
        return this;
    }

    public int icmpType()
    {
        return icmpType;
    }

    public AttackEvent icmpType(final int icmpType)
    {
        this.icmpType = icmpType;
        return this;
    }

    public int icmpCode()
    {
        return icmpCode;
    }

    public AttackEvent icmpCode(final int icmpCode)
    {
        this.icmpCode = icmpCode;
        return this;
    }

    /**
     * @return true if the capture holds less of the packet than its IP length says (a small snap length).
     */
    public boolean isPacketTruncated()
    {
        return packetTruncated;
    }

    public AttackEvent packetTruncated(final boolean packetTruncated)
    {
        this.packetTruncated = packetTruncated;
        return this;
    }

    public boolean isFragment()
    {
        return fragment;
    }

    public AttackEvent fragment(final boolean fragment)
    {
        this.fragment = fragment;
        return this;
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
        out.append(LinkType.name(linkType));
        if (ifnameLength > 0)
        {
            out.append(" ifname=");
            appendIfname(out);
        }
        appendField(out, " action=", action);
        appendField(out, " dir=", direction);
        appendField(out, " rule=", ruleNumber);
        appendField(out, " group=", group);
        if (prefixLength > 0)
        {
            out.append(" prefix=\"");
            appendPrefix(out);
            out.append('"');
        }
        appendField(out, " proto=", protocol);
        if (hasAddresses())
        {
            out.append(" src=");
            AddressText.append(source, out);
        }
        appendField(out, " sport=", sourcePort);
        if (hasAddresses())
        {
            out.append(" dst=");
            AddressText.append(destination, out);
        }
        appendField(out, " dport=", destinationPort);
        appendField(out, " icmp_type=", icmpType);
        appendField(out, " icmp_code=", icmpCode);
        if (DecodeError.NONE != error)
        {
            out.append(' ').append(resultName(result)).append("=\"");
            appendError(out);
            out.append('"');
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(160);
        appendTo(out);

        return out.toString();
    }

    private static String resultName(final DecodeResult result)
    {
        switch (result)
        {
            case MALFORMED:
                return "malformed";
            case TRUNCATED:
                return "truncated";
            case UNSUPPORTED_LINK_TYPE:
                return "unsupported";
            default:
                return "ok";
        }
    }

    private static void appendField(final StringBuilder out, final String name, final long value)
    {
        if (NONE != value)
        {
            out.append(name).append(value);
        }
    }
}
