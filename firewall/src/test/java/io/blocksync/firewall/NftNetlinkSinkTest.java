package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end key of an interval element: the first address after the prefix, none at the top of the address space.
 */
class NftNetlinkSinkTest
{
    @Test
    void theEndOfAPrefixIsTheFirstAddressAfterIt()
    {
        assertEnd(new int[]{ 198, 51, 100, 0 }, 24, new int[]{ 198, 51, 101, 0 });
        assertEnd(new int[]{ 203, 0, 113, 128 }, 25, new int[]{ 203, 0, 114, 0 });
        assertEnd(new int[]{ 192, 0, 2, 4 }, 30, new int[]{ 192, 0, 2, 8 });
        assertEnd(new int[]{ 192, 0, 2, 255 }, 32, new int[]{ 192, 0, 3, 0 });
        assertEnd(new int[]{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 48,
            new int[]{ 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
        assertEnd(new int[]{ 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 32,
            new int[]{ 0x20, 0x01, 0x0d, 0xb9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 });
    }

    @Test
    void aPrefixRunningToTheTopHasNoEnd()
    {
        assertFalse(NftNetlinkSink.nextAfter(bytes(255, 255, 255, 0), new byte[16], 24, 4));
        assertFalse(NftNetlinkSink.nextAfter(bytes(128, 0, 0, 0), new byte[16], 1, 4));
        assertFalse(NftNetlinkSink.nextAfter(bytes(0, 0, 0, 0), new byte[16], 0, 4));
        assertTrue(NftNetlinkSink.nextAfter(bytes(0, 0, 0, 0), new byte[16], 1, 4));
    }

    private static void assertEnd(final int[] start, final int length, final int[] end)
    {
        final byte[] got = new byte[16];
        assertTrue(NftNetlinkSink.nextAfter(bytes(start), got, length, start.length));
        assertArrayEquals(Arrays.copyOf(bytes(end), end.length), Arrays.copyOf(got, end.length));
    }

    private static byte[] bytes(final int... values)
    {
        final byte[] bytes = new byte[16];
        for (int i = 0; i < values.length; i++)
        {
            bytes[i] = (byte)values[i];
        }
        return bytes;
    }
}
