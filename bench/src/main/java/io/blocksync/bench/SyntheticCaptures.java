package io.blocksync.bench;

import io.blocksync.nativeio.LinkType;
import io.blocksync.nativeio.NflogRecordDecoder;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian pcap captures built here, for decoding benchmarks that must run without the third-party captures of
 * ../shared/testdata (the distribution's {@code blocksync bench}): {@value #RECORDS} records, each an IPv4 TCP SYN from
 * 192.0.2.N to 198.51.100.1 port 22, behind a pflog header (tcpdump's pflog.h: 61 bytes padded to 64, OpenBSD) or
 * an NFLOG one (libpcap's LINKTYPE_NFLOG: family, version, group, then PACKET_HDR, PREFIX and PAYLOAD TLVs in host
 * order, nfnetlink_log.h).
 */
public final class SyntheticCaptures
{
    /** Records per capture; divides {@link EventDecodeBenchmark#EVENTS}. */
    public static final int RECORDS = 8;
    private static final int PFLOG_HEADER_LENGTH = 61;

    private SyntheticCaptures()
    {
    }

    /** @return a pcap of {@value #RECORDS} pflog records. */
    public static byte[] pflog()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fileHeader(LinkType.PFLOG));
        for (int i = 0; i < RECORDS; i++)
        {
            final byte[] packet = tcpSyn(i);
            final ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
            header.put((byte)PFLOG_HEADER_LENGTH).put((byte)2).put((byte)1).put((byte)0);
            header.put(padded("em0", 16)).put(padded("", 16));
            header.putInt(3).putInt(-1);
            header.order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0).putInt(0).putInt(0);
            header.put((byte)1);
            record(out, concat(header.array(), packet));
        }
        return out.toByteArray();
    }

    /** @return a pcap of {@value #RECORDS} NFLOG records. */
    public static byte[] nflog()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(fileHeader(LinkType.NFLOG));
        for (int i = 0; i < RECORDS; i++)
        {
            final byte[] header = { (byte)NflogRecordDecoder.AF_INET, 0, 0, 5 };
            record(out, concat(header,
                tlv(NflogRecordDecoder.TYPE_PACKET_HDR, new byte[]{ 8, 0, 1, 0 }),
                tlv(NflogRecordDecoder.TYPE_PREFIX, "bs-bench\0".getBytes(StandardCharsets.US_ASCII)),
                tlv(NflogRecordDecoder.TYPE_PAYLOAD, tcpSyn(i))));
        }
        return out.toByteArray();
    }

    private static byte[] fileHeader(final int linkType)
    {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(0xA1B2C3D4).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65535).putInt(linkType)
            .array();
    }

    private static void record(final ByteArrayOutputStream out, final byte[] data)
    {
        out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
            .putInt(1_700_000_000).putInt(0).putInt(data.length).putInt(data.length).array());
        out.writeBytes(data);
    }

    private static byte[] tlv(final int type, final byte[] value)
    {
        final int length = 4 + value.length;
        final ByteBuffer tlv = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.LITTLE_ENDIAN);
        tlv.putShort((short)length).putShort((short)type).put(value);
        return tlv.array();
    }

    /** IPv4 (RFC 791) + TCP (RFC 9293) SYN, 40 bytes, from 192.0.2.(10 + n) port 40000 + n to 198.51.100.1 port 22. */
    private static byte[] tcpSyn(final int n)
    {
        return ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN)
            .put((byte)0x45).put((byte)0).putShort((short)40).putShort((short)0x1234).putShort((short)0)
            .put((byte)64).put((byte)6).putShort((short)0)
            .put(new byte[]{ (byte)192, 0, 2, (byte)(10 + n) }).put(new byte[]{ (byte)198, 51, 100, 1 })
            .putShort((short)(40000 + n)).putShort((short)22).putInt(0x01020304).putInt(0)
            .put((byte)0x50).put((byte)0x02).putShort((short)0xFAF0).putShort((short)0).putShort((short)0)
            .array();
    }

    private static byte[] padded(final String text, final int length)
    {
        final byte[] out = new byte[length];
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, out, 0, Math.min(bytes.length, length - 1));
        return out;
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
