package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link AddressMessageDecoder} on datagrams captured from a Linux 6.x kernel (x86-64, little-endian) in a network
 * namespace with a veth pair d0 (index 3) / d1 (index 2): {@code ip addr add 192.0.2.77/24 dev d0},
 * {@code ip addr add 2001:db8:1:2::77/64 dev d0 nodad}, {@code ip addr del 192.0.2.77/24 dev d0}, then an
 * RTM_GETADDR dump (sequence 7) and its NLMSG_DONE. A notification carries the sequence of the request that caused it
 * (ip's), or 0 when the kernel made the change itself (the IPv6 address, added after its link came up).
 */
class AddressMessageDecoderTest
{
    static final String NEW_IPV4 =
        "4c0000001400000015110d6b2a0a0000021880000300000008000100c000024d08000200c000024d0700030064300000" +
        "080008008000000014000600ffffffffffffffffcac21d00cac21d00";
    static final String NEW_IPV6 =
        "480000001400000000000000000000000a408200030000001400010020010db800010002000000000000007714000600" +
        "ffffffffffffffffcbc21d00cbc21d000800080082000000";
    static final String DEL_IPV4 =
        "4c0000001500000015110d6b2c0a0000021880000300000008000100c000024d08000200c000024d0700030064300000" +
        "080008008000000014000600ffffffffffffffffcac21d00cac21d00";
    static final String DUMP_PART =
        "4c0000001400020007000000fd090000020880fe01000000080001007f000001080002007f000001070003006c6f0000" +
        "080008008000000014000600ffffffffffffffffa0c21d00a0c21d00500000001400020007000000fd0900000a8080fe" +
        "01000000140001000000000000000000000000000000000114000600ffffffffffffffffa0c21d00a0c21d0008000800" +
        "8000000005000b0001000000500000001400020007000000fd0900000a40c0fd0200000014000100fe80000000000000" +
        "306f52fffe1d056a14000600ffffffffffffffffcac21d00cac21d0008000800c000000005000b000300000048000000" +
        "1400020007000000fd0900000a408200030000001400010020010db800010002000000000000007714000600ffffffff" +
        "ffffffffcbc21d00cbc21d000800080082000000500000001400020007000000fd0900000a40c0fd0300000014000100" +
        "fe800000000000001006b6fffed735b114000600ffffffffffffffffcac21d00cac21d0008000800c000000005000b00" +
        "03000000";
    static final String DUMP_DONE = "140000000300020007000000fd09000000000000";

    private final List<String> seen = new ArrayList<>();
    private final AddressMessageDecoder decoder = new AddressMessageDecoder(new AddressMessageHandler()
    {
        public void onAddress(
            final boolean added, final int interfaceIndex, final IpPrefix address, final int prefixLength, final int sequence)
        {
            seen.add((added ? "new " : "del ") + address + "/" + prefixLength + " if" + interfaceIndex + " seq" + sequence);
        }

        public void onDumpEnd(final int sequence, final int error)
        {
            seen.add("end seq" + sequence + " error" + error);
        }
    });

    @Test
    void notificationsGiveTheLocalAddressItsInterfaceAndItsOnLinkPrefix()
    {
        littleEndianCaptureOnly();
        assertEquals(1, decode(NEW_IPV4));
        assertEquals(1, decode(NEW_IPV6));
        assertEquals(1, decode(DEL_IPV4));

        assertEquals(List.of("new 192.0.2.77/24 if3 seq1796018453", "new 2001:db8:1:2::77/64 if3 seq0",
            "del 192.0.2.77/24 if3 seq1796018453"), seen);
        assertEquals(3, decoder.addressMessages());
        assertEquals(0, decoder.malformed());
    }

    @Test
    void aDumpPartCarriesManyAddressesAndItsSequenceThenDoneEndsIt()
    {
        littleEndianCaptureOnly();
        assertEquals(5, decode(DUMP_PART));
        assertEquals(0, decode(DUMP_DONE));

        assertEquals(List.of("new 127.0.0.1/8 if1 seq7", "new ::1/128 if1 seq7",
            "new fe80::306f:52ff:fe1d:56a/64 if2 seq7", "new 2001:db8:1:2::77/64 if3 seq7",
            "new fe80::1006:b6ff:fed7:35b1/64 if3 seq7", "end seq7 error0"), seen);
    }

    @Test
    void onAPointToPointLinkTheLocalAttributeIsOursAndTheAddressAttributeThePeers()
    {
        // An IPv4 RTM_NEWADDR whose IFA_ADDRESS (the peer, 198.51.100.1) comes before IFA_LOCAL (ours, 198.51.100.2).
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        final ByteOrder order = ByteOrder.nativeOrder();
        buffer.putInt(0, 40, order);
        buffer.putShort(4, (short)AddressMessageDecoder.TYPE_RTM_NEWADDR, order);
        buffer.putByte(16, (byte)AddressMessageDecoder.AF_INET);
        buffer.putByte(17, (byte)32);
        buffer.putInt(20, 9, order);
        putAttribute(buffer, 24, AddressMessageDecoder.IFA_ADDRESS, new byte[]{ (byte)198, 51, 100, 1 });
        putAttribute(buffer, 32, AddressMessageDecoder.IFA_LOCAL, new byte[]{ (byte)198, 51, 100, 2 });

        assertEquals(1, decoder.onDatagram(buffer, 0, 40));
        assertEquals(List.of("new 198.51.100.2/32 if9 seq0"), seen);
    }

    @Test
    void aCutOrShortMessageIsCountedAndNothingPastTheDatagramIsRead()
    {
        littleEndianCaptureOnly();
        final UnsafeBuffer whole = buffer(NEW_IPV4);
        assertEquals(0, decoder.onDatagram(whole, 0, whole.capacity() - 20), "the length field claims more than arrived");
        assertEquals(1, decoder.malformed());

        // An address message without any address attribute.
        final UnsafeBuffer bare = new UnsafeBuffer(new byte[24]);
        bare.putInt(0, 24, ByteOrder.nativeOrder());
        bare.putShort(4, (short)AddressMessageDecoder.TYPE_RTM_DELADDR, ByteOrder.nativeOrder());
        bare.putByte(16, (byte)AddressMessageDecoder.AF_INET6);
        assertEquals(0, decoder.onDatagram(bare, 0, 24));
        assertEquals(2, decoder.malformed());
        assertEquals(List.of(), seen);
    }

    @Test
    void aFailedDumpReportsTheKernelsErrno()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[36]);
        final ByteOrder order = ByteOrder.nativeOrder();
        buffer.putInt(0, 36, order);
        buffer.putShort(4, (short)AddressMessageDecoder.TYPE_NLMSG_ERROR, order);
        buffer.putInt(8, 12, order);
        buffer.putInt(16, -16, order);

        decoder.onDatagram(buffer, 0, 36);
        assertEquals(List.of("end seq12 error16"), seen);
    }

    @Test
    void decodingAllocatesNothingPerMessage()
    {
        littleEndianCaptureOnly();
        final long[] addresses = new long[1];
        final AddressMessageDecoder counting = new AddressMessageDecoder(new AddressMessageHandler()
        {
            public void onAddress(
                final boolean added, final int interfaceIndex, final IpPrefix address, final int prefixLength, final int sequence)
            {
                addresses[0] += address.addressByte(0);
            }

            public void onDumpEnd(final int sequence, final int error)
            {
            }
        });
        final UnsafeBuffer dump = buffer(DUMP_PART);
        for (int i = 0; i < 20_000; i++)
        {
            counting.onDatagram(dump, 0, dump.capacity());
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++)
        {
            counting.onDatagram(dump, 0, dump.capacity());
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertEquals(600_000, counting.addressMessages());
        assertEquals(0, counting.malformed());
        org.junit.jupiter.api.Assertions.assertTrue(allocated < 64 * 1024,
            allocated + " bytes allocated decoding 500,000 address messages");
    }

    private int decode(final String hex)
    {
        final UnsafeBuffer buffer = buffer(hex);
        return decoder.onDatagram(buffer, 0, buffer.capacity());
    }

    private static UnsafeBuffer buffer(final String hex)
    {
        return new UnsafeBuffer(BitUtil.fromHex(hex));
    }

    private static void putAttribute(final UnsafeBuffer buffer, final int offset, final int type, final byte[] value)
    {
        buffer.putShort(offset, (short)(4 + value.length), ByteOrder.nativeOrder());
        buffer.putShort(offset + 2, (short)type, ByteOrder.nativeOrder());
        buffer.putBytes(offset + 4, value);
    }

    private static void littleEndianCaptureOnly()
    {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the captures are in a little-endian host's order");
    }
}
