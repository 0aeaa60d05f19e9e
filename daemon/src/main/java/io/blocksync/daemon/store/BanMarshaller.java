package io.blocksync.daemon.store;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.hash.serialization.StatefulCopyable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Writes and reads the stored value of one {@link Ban} (everything but its prefix, which is the key, see
 * {@link IpPrefixMarshaller}) as a fixed 168-byte record in the platform's native byte order:
 * <pre>
 *  offset size field
 *   0     1    action               1 = BAN, 2 = UNBAN (a tombstone that beats older bans), {@link BanAction#code()}
 *   1     1    protocol             IP protocol number, 0 = any
 *   2     2    port                 0 = any
 *   4     1    origin key id        which of the origin's keys signed it
 *   5     3    flags                reserved: written as 0, ignored on read
 *   8     4    origin node id       node that made the decision
 *  12     4    hit count            events that led to it (or were seen since)
 *  16     8    origin sequence      the origin's sequence number for this decision
 *  24     8    origin time millis   when the origin made it (its clock)
 *  32     8    expires at millis    BAN: 0 = permanent; UNBAN: keep the tombstone at least until then, 0 = no minimum
 *  40     8    duration seconds     as decided by the origin
 *  48    40    reason               ASCII text, zero-padded (io.blocksync.codec.ReasonCode): five 8-byte words
 *  88     8    applied at millis    when this node stored it (local clock)
 *  96     8    version              the origin's hybrid logical clock value: orders decisions on one prefix
 * 104    64    origin signature     Ed25519 by the origin of the record's wire fields (io.blocksync.codec.BanRecordFlyweight)
 * </pre>
 * The layout is part of the state file format: change it only together with {@link BanStore#FORMAT_VERSION}.
 * <p>
 * Chronicle Map records this class's name in the file header and instantiates it when another process opens the
 * file; files written before this class had its name record {@link #LEGACY_CLASS_NAME}, which {@link BanMap}
 * registers as an alias.
 * <p>
 * A record is laid out in a scratch array ({@link #write(MutableDirectBuffer, int, Ban)}, the write-ahead log's
 * layout too) and handed to or taken from Chronicle's {@code Bytes} in one copy: some twenty field writes or reads
 * through its streaming {@code Bytes} cost more; with the key's one write, ~0.5 µs less a put and a get under C1
 * (PERFORMANCE.md "a receiving peer per ban, again"). Stateful
 * (the scratch array), so Chronicle Map takes a {@link #copy()} per context; {@link #INSTANCE} is the configured one.
 */
final class BanMarshaller
    implements SizedReader<Ban>, SizedWriter<Ban>, StatefulCopyable<BanMarshaller>, ReadResolvable<BanMarshaller>
{
    static final int LENGTH = 104 + io.blocksync.codec.NodeKey.SIGNATURE_LENGTH;
    /** The name this class had in format v1 files' headers; new files record it too, so older daemons read them. */
    static final String LEGACY_CLASS_NAME = "io.blocksync.daemon.store.BanEntryMarshaller";
    /** The value class format v1 files' headers name; an alias of {@link Ban}. */
    static final String LEGACY_VALUE_CLASS_NAME = "io.blocksync.daemon.store.BanEntry";

    static final BanMarshaller INSTANCE = new BanMarshaller();

    private static final int NO_FLAGS = 0;
    private static final int SIGNATURE_OFFSET = 104;

    private final byte[] record = new byte[LENGTH];
    private final UnsafeBuffer recordBuffer = new UnsafeBuffer(record);

    private BanMarshaller()
    {
    }

    @Override
    public long size(final Ban toWrite)
    {
        return LENGTH;
    }

    @Override
    @SuppressWarnings("rawtypes") // Chronicle Map's interface declares a raw Bytes
    public void write(final Bytes out, final long size, final Ban ban)
    {
        write(recordBuffer, 0, ban);
        out.write(record, 0, LENGTH);
    }

    /** The record's {@value #LENGTH} bytes at {@code buffer[offset]}, as the table above lays them out. */
    static void write(final MutableDirectBuffer buffer, final int offset, final Ban ban)
    {
        buffer.putByte(offset, (byte)ban.action().code());
        buffer.putByte(offset + 1, (byte)ban.protocol());
        buffer.putShort(offset + 2, (short)ban.port());
        buffer.putByte(offset + 4, (byte)ban.originKeyId());
        buffer.putByte(offset + 5, (byte)NO_FLAGS);
        buffer.putShort(offset + 6, (short)NO_FLAGS);
        buffer.putInt(offset + 8, ban.originNodeId());
        buffer.putInt(offset + 12, ban.hitCount());
        buffer.putLong(offset + 16, ban.originSequence());
        buffer.putLong(offset + 24, ban.originTimeMillis());
        buffer.putLong(offset + 32, ban.expiresAtMillis());
        buffer.putLong(offset + 40, ban.durationSeconds());
        for (int i = 0; i < io.blocksync.codec.ReasonCode.WORDS; i++)
        {
            buffer.putLong(offset + 48 + i * Long.BYTES, ban.reasonWord(i));
        }
        buffer.putLong(offset + 88, ban.appliedAtMillis());
        buffer.putLong(offset + 96, ban.version());
        buffer.putBytes(offset + SIGNATURE_OFFSET, ban.signature());
    }

    /**
     * Reads every field but the prefix, which the caller sets from the key.
     *
     * @throws IllegalStateException if the record is not {@value #LENGTH} bytes or its action is neither BAN nor UNBAN.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public Ban read(final Bytes in, final long size, final Ban using)
    {
        if (LENGTH != size)
        {
            throw new IllegalStateException("stored ban entry has " + size + " bytes, expected " + LENGTH);
        }

        in.read(record, 0, LENGTH);
        return read(recordBuffer, null == using ? new Ban() : using);
    }

    /**
     * As {@link #read}, from the record in place: {@code value} wraps its {@value #LENGTH} bytes, in the native byte order
     * the record was written in (the map's own memory, {@link BanMap.Snapshotter}). Reads each field with one memory
     * access instead of through Chronicle's streaming {@code Bytes}, which costs the start-up pass a third of its CPU.
     *
     * @throws IllegalStateException if the record is not {@value #LENGTH} bytes or its action is neither BAN nor UNBAN.
     */
    static Ban read(final DirectBuffer value, final Ban into)
    {
        if (LENGTH != value.capacity())
        {
            throw new IllegalStateException("stored ban entry has " + value.capacity() + " bytes, expected " + LENGTH);
        }
        final int code = value.getByte(0) & 0xFF;
        final BanAction action = BanAction.fromCode(code);
        if (null == action)
        {
            throw new IllegalStateException("stored ban entry has action " + code + ", expected 1 or 2");
        }
        into.action(action)
            .protocol(value.getByte(1) & 0xFF)
            .port(value.getShort(2) & 0xFFFF);
        into.originKeyId(value.getByte(4) & 0xFF);
        into.originNodeId(value.getInt(8))
            .hitCount(value.getInt(12))
            .originSequence(value.getLong(16))
            .originTimeMillis(value.getLong(24))
            .expiresAtMillis(value.getLong(32))
            .durationSeconds(value.getLong(40))
            .reasonWords(value.getLong(48), value.getLong(56), value.getLong(64), value.getLong(72), value.getLong(80))
            .appliedAtMillis(value.getLong(88))
            .version(value.getLong(96));
        return into.signature(value, SIGNATURE_OFFSET);
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        // no configuration (the scratch is not): the header needs only the class name
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        // no configuration
    }

    @Override
    public BanMarshaller copy()
    {
        return new BanMarshaller();
    }

    @Override
    public BanMarshaller readResolve()
    {
        return INSTANCE;
    }
}
