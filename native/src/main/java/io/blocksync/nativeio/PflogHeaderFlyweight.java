package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The pf log header that starts every DLT_PFLOG (117) record. All systems share the first 61 bytes; the header's
 * own first byte says how long it is:
 * <pre>
 *   0 length   1 af   2 action   3 reason   4 ifname[16]   20 ruleset[16]
 *  36 rulenr (BE)   40 subrulenr (BE)   44 uid   48 pid   52 rule_uid   56 rule_pid   60 dir
 *  length 61  : NetBSD, macOS, FreeBSD before 13.1
 *  length 69  : FreeBSD 13.1 and later: 61 pad[3]  64 ridentifier (BE)  68 reserve
 *  length 100 : OpenBSD: 61 rewritten  62 naf  63 pad  64 saddr[16]  80 daddr[16]  96 sport (BE)  98 dport (BE)
 * </pre>
 * uid, pid, rule_uid and rule_pid are in the capturing host's byte order, which is the capture file's; pf fills
 * them only for socket-matched rules, so they are exposed raw. The IP packet starts at
 * {@code (length + 3) & ~3}.
 */
public final class PflogHeaderFlyweight
{
    public static final int LENGTH_OFFSET = 0;
    public static final int ADDRESS_FAMILY_OFFSET = 1;
    public static final int ACTION_OFFSET = 2;
    public static final int REASON_OFFSET = 3;
    public static final int IFNAME_OFFSET = 4;
    public static final int IFNAME_LENGTH = 16;
    public static final int RULESET_OFFSET = 20;
    public static final int RULESET_LENGTH = 16;
    public static final int RULE_NUMBER_OFFSET = 36;
    public static final int SUBRULE_NUMBER_OFFSET = 40;
    public static final int UID_OFFSET = 44;
    public static final int PID_OFFSET = 48;
    public static final int RULE_UID_OFFSET = 52;
    public static final int RULE_PID_OFFSET = 56;
    public static final int DIRECTION_OFFSET = 60;
    public static final int FREEBSD_RIDENTIFIER_OFFSET = 64;
    public static final int OPENBSD_REWRITTEN_OFFSET = 61;
    public static final int OPENBSD_NEW_ADDRESS_FAMILY_OFFSET = 62;
    public static final int OPENBSD_SOURCE_ADDRESS_OFFSET = 64;
    public static final int OPENBSD_DESTINATION_ADDRESS_OFFSET = 80;
    public static final int OPENBSD_SOURCE_PORT_OFFSET = 96;
    public static final int OPENBSD_DESTINATION_PORT_OFFSET = 98;

    /** The common header; shorter ones are rejected. */
    public static final int MIN_LENGTH = 61;

    /** FreeBSD 13.1 and later append ridentifier. */
    public static final int FREEBSD_RIDENTIFIER_LENGTH = 69;

    /** OpenBSD appends the translated addresses and ports. */
    public static final int OPENBSD_LENGTH = 100;

    public static final int AF_INET = 2;
    public static final int AF_INET6_OPENBSD = 24;
    public static final int AF_INET6_FREEBSD = 28;
    public static final int AF_INET6_DARWIN = 30;

    public static final int ACTION_PASS = 0;
    public static final int ACTION_DROP = 1;
    public static final int ACTION_SCRUB = 2;

    public static final int DIRECTION_INOUT = 0;
    public static final int DIRECTION_IN = 1;
    public static final int DIRECTION_OUT = 2;

    /** pf's value for a rule with no subrule. */
    public static final long NO_SUBRULE = 0xFFFF_FFFFL;

    private DirectBuffer buffer;
    private int offset;
    private int headerLength;
    private long errorValue;
    private long errorLimit;

    /**
     * Point at a record and check that its header is whole.
     *
     * @param buffer holding the record.
     * @param offset of the record's first byte.
     * @param length captured bytes of the record.
     * @return {@link DecodeError#NONE}, PFLOG_HEADER_LENGTH_INVALID or PFLOG_HEADER_TRUNCATED; the accessors are
     * only meaningful after NONE. {@link #errorValue()} and {@link #errorLimit()} detail an error.
     */
    public DecodeError wrap(final DirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.headerLength = 0;
        if (length < 1)
        {
            errorValue = length;
            errorLimit = MIN_LENGTH;
            return DecodeError.PFLOG_HEADER_TRUNCATED;
        }

        final int declared = buffer.getByte(offset + LENGTH_OFFSET) & 0xFF;
        if (declared < MIN_LENGTH)
        {
            errorValue = declared;
            errorLimit = MIN_LENGTH;
            return DecodeError.PFLOG_HEADER_LENGTH_INVALID;
        }

        final int padded = paddedLength(declared);
        if (length < padded)
        {
            errorValue = length;
            errorLimit = padded;
            return DecodeError.PFLOG_HEADER_TRUNCATED;
        }
        headerLength = declared;

        return DecodeError.NONE;
    }

    /**
     * @return the value behind the last error from {@link #wrap}.
     */
    public long errorValue()
    {
        return errorValue;
    }

    /**
     * @return the expected value or bound behind the last error from {@link #wrap}.
     */
    public long errorLimit()
    {
        return errorLimit;
    }

    /**
     * @param headerLength the header's length byte.
     * @return where the IP packet starts relative to the record: the length rounded up to 4.
     */
    public static int paddedLength(final int headerLength)
    {
        return (headerLength + 3) & ~3;
    }

    /**
     * @param af a pflog address family byte.
     * @return 4 or 6, or 0 for a family that is neither.
     */
    public static int ipVersion(final int af)
    {
        switch (af)
        {
            case AF_INET:
                return 4;
            case AF_INET6_OPENBSD:
            case AF_INET6_FREEBSD:
            case AF_INET6_DARWIN:
                return 6;
            default:
                return 0;
        }
    }

    /**
     * @param action a pflog action byte.
     * @return "pass", "block", "scrub", or null for codes whose meaning differs between systems.
     */
    public static String actionName(final int action)
    {
        switch (action)
        {
            case ACTION_PASS:
                return "pass";
            case ACTION_DROP:
                return "block";
            case ACTION_SCRUB:
                return "scrub";
            default:
                return null;
        }
    }

    /**
     * @param direction a pflog direction byte.
     * @return "in", "out", "in/out", or null.
     */
    public static String directionName(final int direction)
    {
        switch (direction)
        {
            case DIRECTION_INOUT:
                return "in/out";
            case DIRECTION_IN:
                return "in";
            case DIRECTION_OUT:
                return "out";
            default:
                return null;
        }
    }

    public int headerLength()
    {
        return headerLength;
    }

    /**
     * @return offset of the IP packet relative to the start of the record.
     */
    public int packetOffset()
    {
        return paddedLength(headerLength);
    }

    public int addressFamily()
    {
        return buffer.getByte(offset + ADDRESS_FAMILY_OFFSET) & 0xFF;
    }

    public int action()
    {
        return buffer.getByte(offset + ACTION_OFFSET) & 0xFF;
    }

    public int reason()
    {
        return buffer.getByte(offset + REASON_OFFSET) & 0xFF;
    }

    public int direction()
    {
        return buffer.getByte(offset + DIRECTION_OFFSET) & 0xFF;
    }

    /**
     * @return the rule number, unsigned.
     */
    public long ruleNumber()
    {
        return buffer.getInt(offset + RULE_NUMBER_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @return the subrule number, unsigned; {@link #NO_SUBRULE} if the rule is not in an anchor.
     */
    public long subruleNumber()
    {
        return buffer.getInt(offset + SUBRULE_NUMBER_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @param order the capture file's byte order.
     * @return uid as the capturing host stored it.
     */
    public int uid(final ByteOrder order)
    {
        return buffer.getInt(offset + UID_OFFSET, order);
    }

    public int pid(final ByteOrder order)
    {
        return buffer.getInt(offset + PID_OFFSET, order);
    }

    public int ruleUid(final ByteOrder order)
    {
        return buffer.getInt(offset + RULE_UID_OFFSET, order);
    }

    public int rulePid(final ByteOrder order)
    {
        return buffer.getInt(offset + RULE_PID_OFFSET, order);
    }

    /**
     * @param into receives the interface name bytes, at least {@link #IFNAME_LENGTH} long.
     * @return the name's length: bytes before the first NUL.
     */
    public int getIfname(final byte[] into)
    {
        return getText(IFNAME_OFFSET, IFNAME_LENGTH, into);
    }

    /**
     * @param into receives the ruleset (anchor) name bytes, at least {@link #RULESET_LENGTH} long.
     * @return the name's length: bytes before the first NUL.
     */
    public int getRuleset(final byte[] into)
    {
        return getText(RULESET_OFFSET, RULESET_LENGTH, into);
    }

    /**
     * @return true for a FreeBSD 13.1+ header, which carries a rule identifier.
     */
    public boolean hasRuleIdentifier()
    {
        return headerLength >= FREEBSD_RIDENTIFIER_LENGTH && headerLength < OPENBSD_LENGTH;
    }

    /**
     * @return FreeBSD's rule identifier; only meaningful if {@link #hasRuleIdentifier()}.
     */
    public long ruleIdentifier()
    {
        return buffer.getInt(offset + FREEBSD_RIDENTIFIER_OFFSET, BIG_ENDIAN) & 0xFFFF_FFFFL;
    }

    /**
     * @return true for an OpenBSD header, which carries the addresses and ports after translation.
     */
    public boolean hasTranslation()
    {
        return headerLength >= OPENBSD_LENGTH;
    }

    public boolean rewritten()
    {
        return 0 != buffer.getByte(offset + OPENBSD_REWRITTEN_OFFSET);
    }

    public int newAddressFamily()
    {
        return buffer.getByte(offset + OPENBSD_NEW_ADDRESS_FAMILY_OFFSET) & 0xFF;
    }

    /**
     * @param into receives the 16-byte translated source address field.
     */
    public void getTranslatedSource(final byte[] into)
    {
        buffer.getBytes(offset + OPENBSD_SOURCE_ADDRESS_OFFSET, into, 0, 16);
    }

    /**
     * @param into receives the 16-byte translated destination address field.
     */
    public void getTranslatedDestination(final byte[] into)
    {
        buffer.getBytes(offset + OPENBSD_DESTINATION_ADDRESS_OFFSET, into, 0, 16);
    }

    public int translatedSourcePort()
    {
        return buffer.getShort(offset + OPENBSD_SOURCE_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    public int translatedDestinationPort()
    {
        return buffer.getShort(offset + OPENBSD_DESTINATION_PORT_OFFSET, BIG_ENDIAN) & 0xFFFF;
    }

    private int getText(final int fieldOffset, final int fieldLength, final byte[] into)
    {
        int length = 0;
        while (length < fieldLength)
        {
            final byte b = buffer.getByte(offset + fieldOffset + length);
            if (0 == b)
            {
                break;
            }
            into[length++] = b;
        }

        return length;
    }
}
