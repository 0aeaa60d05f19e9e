package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

/**
 * One 160-byte BAN or UNBAN record inside a BATCH or SYNC frame: 96 bytes of fields, then the origin's Ed25519
 * signature of them, so the record can be relayed by any node and still speak only for its origin. Multi-byte
 * integers are little-endian; the address is in network byte order.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |    Action     |    Family     | Prefix Length |   Protocol    |  0
 *  +---------------+---------------+---------------+---------------+
 *  |             Port              | Origin Key Id |  Flags (0)    |  4
 *  +-------------------------------+---------------+---------------+
 *  |                        Origin Node Id                         |  8
 *  +---------------------------------------------------------------+
 *  |                       Duration Seconds                        | 12
 *  +---------------------------------------------------------------+
 *  |                   Origin Sequence (64 bits)                   | 16
 *  +---------------------------------------------------------------+
 *  |                  Origin Time Millis (64 bits)                 | 24
 *  +---------------------------------------------------------------+
 *  |                      Address (16 bytes)                       | 32
 *  +---------------------------------------------------------------+
 *  |            Version (64 bits, hybrid logical clock)            | 48
 *  +---------------------------------------------------------------+
 *  |                Reason (40 bytes ASCII, 0-padded)              | 56
 *  +---------------------------------------------------------------+
 *  |                 Origin Signature (64 bytes)                   | 96
 *  +---------------------------------------------------------------+
 * </pre>
 * The signature is pure Ed25519 (RFC 8032) by the origin's key {@code origin_key_id} over
 * {@link #SIGNATURE_CONTEXT} followed by bytes 0-95 of the record ({@link #sign}, {@link #verifySignature}).
 * <p>
 * The version orders decisions on one prefix: a hybrid logical clock value stamped by the origin (wall-clock
 * milliseconds in the high 48 bits, a logical counter in the low 16), so the order does not depend on clocks agreeing.
 */
public final class BanRecordFlyweight
{
    /** {@link BanAction#BAN}'s code. */
    public static final int ACTION_BAN = 1;
    /** {@link BanAction#UNBAN}'s code. */
    public static final int ACTION_UNBAN = 2;

    /** A BAN with this duration lasts until an UNBAN. */
    public static final long PERMANENT = 0;

    static final int ACTION_OFFSET = 0;
    static final int FAMILY_OFFSET = 1;
    static final int PREFIX_LENGTH_OFFSET = 2;
    static final int PROTOCOL_OFFSET = 3;
    static final int PORT_OFFSET = 4;
    static final int ORIGIN_KEY_ID_OFFSET = 6;
    static final int FLAGS_OFFSET = 7;
    static final int ORIGIN_NODE_ID_OFFSET = 8;
    static final int DURATION_SECONDS_OFFSET = 12;
    static final int ORIGIN_SEQUENCE_OFFSET = 16;
    static final int ORIGIN_TIME_MILLIS_OFFSET = 24;
    static final int ADDRESS_OFFSET = 32;
    static final int VERSION_OFFSET = 48;
    static final int REASON_OFFSET = 56;
    static final int SIGNATURE_OFFSET = 96;
    /** Bytes of the reason field: the longest reason, {@link ReasonCode#MAX_LENGTH}. */
    public static final int REASON_LENGTH = 40;
    /** Bytes covered by the origin's signature: every field before it. */
    public static final int SIGNED_LENGTH = SIGNATURE_OFFSET;
    public static final int LENGTH = SIGNATURE_OFFSET + NodeKey.SIGNATURE_LENGTH;
    /** What an origin signs before a record's 96 signed bytes, so a record signature can never pass as another message's. */
    public static final byte[] SIGNATURE_CONTEXT = "blocksync/3 record".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] signedMessage = new byte[SIGNATURE_CONTEXT.length + SIGNED_LENGTH];
    private final byte[] signature = new byte[NodeKey.SIGNATURE_LENGTH];

    private DirectBuffer buffer;
    private MutableDirectBuffer mutableBuffer;
    private int offset;

    public BanRecordFlyweight wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.mutableBuffer = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        this.offset = offset;
        return this;
    }

    public int offset()
    {
        return offset;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int action()
    {
        return buffer.getByte(offset + ACTION_OFFSET) & 0xFF;
    }

    public BanRecordFlyweight action(final int action)
    {
        mutableBuffer.putByte(offset + ACTION_OFFSET, (byte)action);
        return this;
    }

    public int family()
    {
        return buffer.getByte(offset + FAMILY_OFFSET) & 0xFF;
    }

    public int prefixLength()
    {
        return buffer.getByte(offset + PREFIX_LENGTH_OFFSET) & 0xFF;
    }

    /** IANA protocol number, 0 for any. */
    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public BanRecordFlyweight protocol(final int protocol)
    {
        mutableBuffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    /** Destination port, 0 for any. */
    public int port()
    {
        return buffer.getShort(offset + PORT_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
    }

    public BanRecordFlyweight port(final int port)
    {
        mutableBuffer.putShort(offset + PORT_OFFSET, (short)port, LITTLE_ENDIAN);
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    /** Which of the origin's keys signed the record, 0-255. */
    public int originKeyId()
    {
        return buffer.getByte(offset + ORIGIN_KEY_ID_OFFSET) & 0xFF;
    }

    /** Copy the 64-byte origin signature out. */
    public void getSignature(final byte[] into)
    {
        buffer.getBytes(offset + SIGNATURE_OFFSET, into, 0, NodeKey.SIGNATURE_LENGTH);
    }

    /**
     * Sign the record as its origin: write the key's id and the signature of the first {@link #SIGNED_LENGTH} bytes.
     * Every other field must already be final. Allocates only inside BouncyCastle.
     */
    public BanRecordFlyweight sign(final NodeKey key)
    {
        mutableBuffer.putByte(offset + ORIGIN_KEY_ID_OFFSET, (byte)key.keyId());
        copySignedMessage();
        key.sign(signedMessage, 0, signedMessage.length, signature, 0);
        mutableBuffer.putBytes(offset + SIGNATURE_OFFSET, signature);
        return this;
    }

    /**
     * Whether the origin signature verifies under {@code originKey}, which the caller chose as the origin's key with
     * id {@link #originKeyId()}. Allocates only inside BouncyCastle.
     */
    public boolean verifySignature(final PeerKey originKey)
    {
        if (originKey.keyId() != originKeyId())
        {
            return false;
        }
        copySignedMessage();
        buffer.getBytes(offset + SIGNATURE_OFFSET, signature, 0, signature.length);
        return originKey.verify(signedMessage, 0, signedMessage.length, signature, 0);
    }

    private void copySignedMessage()
    {
        System.arraycopy(SIGNATURE_CONTEXT, 0, signedMessage, 0, SIGNATURE_CONTEXT.length);
        buffer.getBytes(offset, signedMessage, SIGNATURE_CONTEXT.length, SIGNED_LENGTH);
    }

    public int originNodeId()
    {
        return buffer.getInt(offset + ORIGIN_NODE_ID_OFFSET, LITTLE_ENDIAN);
    }

    public BanRecordFlyweight originNodeId(final int originNodeId)
    {
        mutableBuffer.putInt(offset + ORIGIN_NODE_ID_OFFSET, originNodeId, LITTLE_ENDIAN);
        return this;
    }

    /** Unsigned; {@link #PERMANENT} for a ban without end, 0 in an UNBAN. */
    public long durationSeconds()
    {
        return buffer.getInt(offset + DURATION_SECONDS_OFFSET, LITTLE_ENDIAN) & 0xFFFF_FFFFL;
    }

    public BanRecordFlyweight durationSeconds(final long durationSeconds)
    {
        mutableBuffer.putInt(offset + DURATION_SECONDS_OFFSET, (int)durationSeconds, LITTLE_ENDIAN);
        return this;
    }

    public long originSequence()
    {
        return buffer.getLong(offset + ORIGIN_SEQUENCE_OFFSET, LITTLE_ENDIAN);
    }

    public BanRecordFlyweight originSequence(final long originSequence)
    {
        mutableBuffer.putLong(offset + ORIGIN_SEQUENCE_OFFSET, originSequence, LITTLE_ENDIAN);
        return this;
    }

    public long originTimeMillis()
    {
        return buffer.getLong(offset + ORIGIN_TIME_MILLIS_OFFSET, LITTLE_ENDIAN);
    }

    public BanRecordFlyweight originTimeMillis(final long originTimeMillis)
    {
        mutableBuffer.putLong(offset + ORIGIN_TIME_MILLIS_OFFSET, originTimeMillis, LITTLE_ENDIAN);
        return this;
    }

    /** The origin's hybrid logical clock value for this decision: higher wins for one prefix. */
    public long version()
    {
        return buffer.getLong(offset + VERSION_OFFSET, LITTLE_ENDIAN);
    }

    public BanRecordFlyweight version(final long version)
    {
        mutableBuffer.putLong(offset + VERSION_OFFSET, version, LITTLE_ENDIAN);
        return this;
    }

    public int addressByte(final int index)
    {
        return buffer.getByte(offset + ADDRESS_OFFSET + index) & 0xFF;
    }

    /** Copy the prefix out into a reusable holder. */
    public IpPrefix getPrefix(final IpPrefix into)
    {
        return into.setAddress(family(), buffer, offset + ADDRESS_OFFSET, prefixLength());
    }

    /** Family, prefix length and address; the prefix must already be canonical (host bits zero). */
    public BanRecordFlyweight prefix(final IpPrefix prefix)
    {
        mutableBuffer.putByte(offset + FAMILY_OFFSET, (byte)prefix.family());
        mutableBuffer.putByte(offset + PREFIX_LENGTH_OFFSET, (byte)prefix.prefixLength());
        prefix.getAddress(mutableBuffer, offset + ADDRESS_OFFSET);
        return this;
    }

    public int reasonByte(final int index)
    {
        return buffer.getByte(offset + REASON_OFFSET + index) & 0xFF;
    }

    /** Length of the reason text: bytes up to the first zero. */
    public int reasonLength()
    {
        int length = 0;
        while (length < REASON_LENGTH && buffer.getByte(offset + REASON_OFFSET + length) != 0)
        {
            length++;
        }
        return length;
    }

    public BanRecordFlyweight reason(final ReasonCode reason)
    {
        for (int i = 0; i < ReasonCode.WORDS; i++)
        {
            mutableBuffer.putLong(offset + REASON_OFFSET + i * Long.BYTES, reason.word(i), LITTLE_ENDIAN);
        }
        return this;
    }

    /** Word {@code index} (0 to 4) of the reason field as a little-endian long, as {@link ReasonCode#word} holds it. */
    public long reasonWord(final int index)
    {
        return ReasonCode.word(buffer, offset + REASON_OFFSET, index);
    }

    public StringBuilder appendReason(final StringBuilder out)
    {
        for (int i = 0, length = reasonLength(); i < length; i++)
        {
            out.append((char)reasonByte(i));
        }
        return out;
    }

    /**
     * Read the record's wire fields into a ban; its local fields (expiry, hit count, applied-at) are cleared.
     * Call on a well-formed record ({@link #isWellFormed()}): an invalid action reads as {@link BanAction#BAN}.
     */
    public Ban get(final Ban into)
    {
        final BanAction action = BanAction.fromCode(action());
        into.action(null == action ? BanAction.BAN : action);
        getPrefix(into.prefix());
        return into
            .protocol(protocol())
            .port(port())
            .originNodeId(originNodeId())
            .originSequence(originSequence())
            .originTimeMillis(originTimeMillis())
            .version(version())
            .durationSeconds(durationSeconds())
            .reasonWords(reasonWord(0), reasonWord(1), reasonWord(2), reasonWord(3), reasonWord(4))
            .originKeyId(originKeyId())
            .signature(buffer, offset + SIGNATURE_OFFSET)
            .expiresAtMillis(0)
            .hitCount(0)
            .appliedAtMillis(0);
    }

    /**
     * Write a ban's wire fields into the whole record (flags zero), its origin key id and signature included; its local
     * fields are not sent. The ban's prefix is canonical (host bits zero), as {@link IpPrefix} keeps it.
     */
    public BanRecordFlyweight set(final Ban ban)
    {
        mutableBuffer.putByte(offset + FLAGS_OFFSET, (byte)0);
        mutableBuffer.putByte(offset + ORIGIN_KEY_ID_OFFSET, (byte)ban.originKeyId());
        mutableBuffer.putBytes(offset + SIGNATURE_OFFSET, ban.signature());
        for (int i = 0; i < ReasonCode.WORDS; i++)
        {
            mutableBuffer.putLong(offset + REASON_OFFSET + i * Long.BYTES, ban.reasonWord(i), LITTLE_ENDIAN);
        }
        return action(ban.action().code())
            .prefix(ban.prefix())
            .protocol(ban.protocol())
            .port(ban.port())
            .originNodeId(ban.originNodeId())
            .durationSeconds(ban.isBan() ? ban.durationSeconds() : 0)
            .originSequence(ban.originSequence())
            .originTimeMillis(ban.originTimeMillis())
            .version(ban.version());
    }

    /**
     * Structural validity of a received record; a record that fails is never applied.
     *
     * @return true when action, family, length, flags, host bits, duration and reason are all well formed.
     */
    public boolean isWellFormed()
    {
        final int action = action();
        if (action != ACTION_BAN && action != ACTION_UNBAN)
        {
            return false;
        }

        final int family = family();
        if (!AddressFamily.isValid(family) || prefixLength() > AddressFamily.maxPrefixLength(family) || flags() != 0)
        {
            return false;
        }

        if (action == ACTION_UNBAN && durationSeconds() != 0)
        {
            return false;
        }

        return hasZeroHostBits(family, prefixLength()) && ReasonCode.isWellFormed(buffer, offset + REASON_OFFSET);
    }

    private boolean hasZeroHostBits(final int family, final int prefixLength)
    {
        final int base = offset + ADDRESS_OFFSET;
        final int addressLength = AddressFamily.addressLength(family);
        for (int i = 0; i < AddressFamily.ADDRESS_FIELD_LENGTH; i++)
        {
            final int keepBits = i >= addressLength ? 0 : Math.max(0, Math.min(8, prefixLength - i * 8));
            final int hostMask = 0xFF >>> keepBits;
            if ((buffer.getByte(base + i) & hostMask) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
