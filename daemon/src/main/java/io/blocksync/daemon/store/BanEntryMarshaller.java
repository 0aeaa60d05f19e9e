package io.blocksync.daemon.store;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Writes and reads the fixed 64-byte value record laid out in {@link BanEntry}, into a caller's holder.
 * <p>
 * Chronicle Map records this class's name in the file header and instantiates it when another process opens the
 * file, so renaming or moving it makes existing state files unreadable.
 */
final class BanEntryMarshaller
    implements SizedReader<BanEntry>, SizedWriter<BanEntry>, ReadResolvable<BanEntryMarshaller>
{
    static final BanEntryMarshaller INSTANCE = new BanEntryMarshaller();

    private BanEntryMarshaller()
    {
    }

    @Override
    public long size(final BanEntry toWrite)
    {
        return BanEntry.LENGTH;
    }

    @Override
    @SuppressWarnings("rawtypes") // Chronicle Map's interface declares a raw Bytes
    public void write(final Bytes out, final long size, final BanEntry entry)
    {
        out.writeUnsignedByte(entry.action());
        out.writeUnsignedByte(entry.protocol());
        out.writeUnsignedShort(entry.port());
        out.writeInt(entry.flags());
        out.writeInt(entry.originNodeId());
        out.writeInt(entry.hitCount());
        out.writeLong(entry.originSequence());
        out.writeLong(entry.originTimeMillis());
        out.writeLong(entry.expiresAtMillis());
        out.writeLong(entry.durationSeconds());
        out.writeLong(entry.reason());
        out.writeLong(entry.appliedAtMillis());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public BanEntry read(final Bytes in, final long size, final BanEntry using)
    {
        if (BanEntry.LENGTH != size)
        {
            throw new IllegalStateException("stored ban entry has " + size + " bytes, expected " + BanEntry.LENGTH);
        }

        final BanEntry entry = null == using ? new BanEntry() : using;
        entry
            .action(in.readUnsignedByte())
            .protocol(in.readUnsignedByte())
            .port(in.readUnsignedShort())
            .flags(in.readInt())
            .originNodeId(in.readInt())
            .hitCount(in.readInt())
            .originSequence(in.readLong())
            .originTimeMillis(in.readLong())
            .expiresAtMillis(in.readLong())
            .durationSeconds(in.readLong())
            .reason(in.readLong())
            .appliedAtMillis(in.readLong());

        return entry;
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        // stateless: the header needs only the class name
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        // stateless
    }

    @Override
    public BanEntryMarshaller readResolve()
    {
        return INSTANCE;
    }
}
