package io.blocksync.codec;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Random;

import static io.blocksync.codec.AddressFamily.IPV4;
import static io.blocksync.codec.AddressFamily.IPV6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressTextTest
{
    private static IpPrefix parse(final String text, final int defaultIpv4Length, final int defaultIpv6Length)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, defaultIpv4Length, defaultIpv6Length);
        assertNull(error, () -> "unexpected error for '" + text + "'");

        return prefix;
    }

    private static IpPrefix parse(final String text)
    {
        return parse(text, 32, 128);
    }

    private static String canonical(final String text)
    {
        return AddressText.format(parse(text));
    }

    private static String error(final String text)
    {
        final IpPrefix prefix = new IpPrefix().set(IPV6, new byte[16], 7);
        final String error = AddressText.parse(text, prefix, 32, 64);

        assertNotNull(error, () -> "expected an error for '" + text + "'");
        assertTrue(error.contains("'" + text + "'"), () -> "message does not quote the input: " + error);
        assertEquals(new IpPrefix().set(IPV6, new byte[16], 7), prefix, "value changed on error");

        return error;
    }

    private static void assertError(final String text, final String expectedDetail)
    {
        final String error = error(text);
        assertTrue(error.contains(expectedDetail), () -> "'" + error + "' lacks '" + expectedDetail + "'");
    }

    @Test
    void shouldGiveTheDocumentedMessages()
    {
        assertEquals("'192.0.2.300': octet 4 is 300, expected 0-255", error("192.0.2.300"));
        assertEquals("'2001:db8::/129': prefix length 129 exceeds 128", error("2001:db8::/129"));
        assertEquals("'192.0.2.5/24': host bits set (did you mean 192.0.2.0/24?)", error("192.0.2.5/24"));
        assertEquals("'fe80::1%eth0': zone ids are not accepted", error("fe80::1%eth0"));
        assertEquals("'example.com': not an IPv4 or IPv6 address", error("example.com"));
    }

    @Test
    void shouldParseIpv4Host()
    {
        final IpPrefix prefix = parse("192.0.2.1");

        assertEquals(IPV4, prefix.family());
        assertEquals(32, prefix.prefixLength());
        assertEquals(192, prefix.addressByte(0));
        assertEquals(0, prefix.addressByte(1));
        assertEquals(2, prefix.addressByte(2));
        assertEquals(1, prefix.addressByte(3));
        for (int i = 4; i < 16; i++)
        {
            assertEquals(0, prefix.addressByte(i));
        }
    }

    @Test
    void shouldParseIpv4Prefixes()
    {
        assertEquals("198.51.100.0/24", canonical("198.51.100.0/24"));
        assertEquals("203.0.113.128/25", canonical("203.0.113.128/25"));
        assertEquals("0.0.0.0/0", canonical("0.0.0.0/0"));
        assertEquals("255.255.255.255", canonical("255.255.255.255"));
        assertEquals("192.0.2.7", canonical("192.0.2.7/32"));
        assertEquals("0.0.0.0", canonical("0.0.0.0"));
    }

    @Test
    void shouldParseIpv6Host()
    {
        final IpPrefix prefix = parse("2001:db8::1");

        assertEquals(IPV6, prefix.family());
        assertEquals(128, prefix.prefixLength());
        assertEquals(0x20, prefix.addressByte(0));
        assertEquals(0x01, prefix.addressByte(1));
        assertEquals(0x0d, prefix.addressByte(2));
        assertEquals(0xb8, prefix.addressByte(3));
        assertEquals(1, prefix.addressByte(15));
    }

    @Test
    void shouldFormatRfc5952Examples()
    {
        assertEquals("2001:db8::1:0:0:1", canonical("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8::2:1", canonical("2001:0db8:0000:0000:0000:0000:0002:0001"));
        assertEquals("2001:db8::2:1", canonical("2001:db8:0:0:0:0:2:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", canonical("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:db8::1", canonical("2001:db8::0:1"));
        assertEquals("2001:db8::1", canonical("2001:db8:0000::1"));
        assertEquals("2001:0:0:1::1", canonical("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::aaaa", canonical("2001:DB8::AAAA"));
        assertEquals("2001:db8::abcd:ef", canonical("2001:db8::ABcd:00eF"));
        assertEquals("::1", canonical("0:0:0:0:0:0:0:1"));
        assertEquals("::", canonical("0:0:0:0:0:0:0:0"));
        assertEquals("1::", canonical("1:0:0:0:0:0:0:0"));
        assertEquals("1::1", canonical("1:0:0:0:0:0:0:1"));
        assertEquals("::1", canonical("::1"));
        assertEquals("::", canonical("::"));
        assertEquals("1::", canonical("1::"));
    }

    @Test
    void shouldNotCompressASingleZeroGroup()
    {
        assertEquals("1:0:1:1:1:1:1:1", canonical("1:0:1:1:1:1:1:1"));
        assertEquals("0:1:1:1:1:1:1:1", canonical("0:1:1:1:1:1:1:1"));
        assertEquals("1:1:1:1:1:1:1:0", canonical("1:1:1:1:1:1:1:0"));
        assertEquals("2001:db8:0:1:1:1:1:1", canonical("2001:db8::1:1:1:1:1"));
    }

    @Test
    void shouldCompressLongestRunLeftmostOnTies()
    {
        assertEquals("2001:db8::1:0:0:1", canonical("2001:db8:0:0:1:0:0:1"));
        assertEquals("1:0:0:1::1", canonical("1:0:0:1:0:0:0:1"));
        assertEquals("::1:0:0:0:1", canonical("0:0:0:1:0:0:0:1"));
        assertEquals("0:0:1::", canonical("0:0:1:0:0:0:0:0"));
        assertEquals("0:1::", canonical("0:1:0:0:0:0:0:0"));
        assertEquals("1:0:0:1:1::", canonical("1:0:0:1:1:0:0:0"));
        assertEquals("::1:1:0:0", canonical("0:0:0:0:1:1:0:0"));
    }

    @Test
    void shouldAcceptAllCompressionPositions()
    {
        assertEquals("2001:db8:1:2:3:4:5:0", canonical("2001:db8:1:2:3:4:5::"));
        assertEquals("0:2001:db8:1:2:3:4:5", canonical("::2001:db8:1:2:3:4:5"));
        assertEquals("2001:db8:1:0:3:4:5:6", canonical("2001:db8:1::3:4:5:6"));
        assertEquals("2001:db8::", canonical("2001:db8::"));
        assertEquals("2001:db8::/32", canonical("2001:db8::/32"));
        assertEquals("::/0", canonical("::/0"));
    }

    @Test
    void shouldParseEmbeddedIpv4()
    {
        assertEquals("64:ff9b::c000:201", canonical("64:ff9b::192.0.2.1"));
        assertEquals("::c000:201", canonical("::192.0.2.1"));
        assertEquals("1:2:3:4:5:6:c000:201", canonical("1:2:3:4:5:6:192.0.2.1"));
        assertEquals("1::6:c000:201", canonical("1::6:192.0.2.1"));
        assertEquals("64:ff9b::/96", canonical("64:ff9b::0.0.0.0/96"));
    }

    @Test
    void shouldNormaliseMappedToIpv4()
    {
        final IpPrefix host = parse("::ffff:192.0.2.1", 32, 64);
        assertEquals(IPV4, host.family());
        assertEquals(32, host.prefixLength());
        assertEquals("192.0.2.1", AddressText.format(host));

        assertEquals("192.0.2.1", canonical("::ffff:c000:201"));
        assertEquals("192.0.2.1", canonical("0:0:0:0:0:FFFF:192.0.2.1"));
        assertEquals("192.0.2.1", canonical("::ffff:192.0.2.1/128"));
        assertEquals("192.0.2.0/24", canonical("::ffff:192.0.2.0/120"));
        assertEquals("0.0.0.0/0", canonical("::ffff:0.0.0.0/96"));
        assertEquals(parse("192.0.2.0/24"), parse("::ffff:192.0.2.0/120"));
    }

    @Test
    void shouldApplyIpv4DefaultToMappedWithoutLength()
    {
        assertEquals("198.51.100.0/24", AddressText.format(parse("::ffff:198.51.100.9", 24, 64)));
        assertEquals("198.51.100.9", AddressText.format(parse("::ffff:198.51.100.9", 32, 48)));
    }

    @Test
    void shouldMaskToDefaultLengths()
    {
        assertEquals("2001:db8::/64", AddressText.format(parse("2001:db8::1", 32, 64)));
        assertEquals("2001:db8:1:2::/64", AddressText.format(parse("2001:db8:1:2:3:4:5:6", 32, 64)));
        assertEquals("2001:db8::/48", AddressText.format(parse("2001:db8:0:ffff::1", 32, 48)));
        assertEquals("192.0.2.0/24", AddressText.format(parse("192.0.2.77", 24, 64)));
        assertEquals("192.0.2.77", AddressText.format(parse("192.0.2.77", 32, 64)));
        assertEquals("0.0.0.0/0", AddressText.format(parse("203.0.113.5", 0, 0)));
        assertEquals("::/0", AddressText.format(parse("2001:db8::1", 0, 0)));
    }

    @Test
    void shouldNotMaskExplicitLength()
    {
        assertEquals("2001:db8::/32", AddressText.format(parse("2001:db8::/32", 32, 64)));
        assertEquals("2001:db8::1", AddressText.format(parse("2001:db8::1/128", 32, 64)));
        assertEquals("192.0.2.77", AddressText.format(parse("192.0.2.77/32", 24, 64)));
    }

    @Test
    void shouldRejectDefaultLengthsOutOfRange()
    {
        final IpPrefix prefix = new IpPrefix();

        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("192.0.2.1", prefix, 33, 64));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("192.0.2.1", prefix, -1, 64));
        assertThrows(IllegalArgumentException.class, () -> AddressText.parse("2001:db8::", prefix, 32, 129));
    }

    @Test
    void shouldRejectMissingInput()
    {
        assertNotNull(AddressText.parse(null, new IpPrefix(), 32, 128));
        assertEquals("'': empty address", error(""));
    }

    @Test
    void shouldRejectBadIpv4Octets()
    {
        assertError("192.0.2.300", "octet 4 is 300, expected 0-255");
        assertError("256.0.2.1", "octet 1 is 256");
        assertError("192.0.2.1000", "octet 4 is 1000");
        assertError("99999999999.0.2.1", "octet 1 is 99999999999");
        assertError("192.0.2.1a", "octet 4 '1a' is not a decimal number");
        assertError("192.0.2.-1", "octet 4 '-1' is not a decimal number");
        assertError("192.0.2.+1", "octet 4 '+1' is not a decimal number");
        assertError("192.0.0x2.1", "octet 3 '0x2' is not a decimal number");
    }

    @Test
    void shouldRejectLeadingZeroOctets()
    {
        assertError("010.0.0.1", "octet 1 '010' has a leading zero");
        assertError("192.0.2.01", "octet 4 '01' has a leading zero");
        assertError("192.00.2.1", "octet 2 '00' has a leading zero");
        assertError("192.0.2.0300", "octet 4 '0300' has a leading zero");
    }

    @Test
    void shouldRejectWrongNumberOfIpv4Octets()
    {
        assertError("192.0.2", "expected 4 octets, found 3");
        assertError("1", "expected 4 octets, found 1");
        assertError("192.0.2.1.5", "more than 4 octets");
        assertError("192..2.1", "octet 2 is empty");
        assertError("192.0.2.", "octet 4 is empty");
        assertError("192.0.2.1.", "more than 4 octets");
        assertError("192.0.2.0/24.", "prefix length '24.' is not a decimal number");
        assertError(".192.0.2.1", "not an IPv4 or IPv6 address");
    }

    @Test
    void shouldRejectNonAddresses()
    {
        assertError("example.com", "not an IPv4 or IPv6 address");
        assertError("localhost", "not an IPv4 or IPv6 address");
        assertError("abc", "not an IPv4 or IPv6 address");
        assertError("-192.0.2.1", "not an IPv4 or IPv6 address");
        assertError("+192.0.2.1", "not an IPv4 or IPv6 address");
        assertError("\uff11.0.2.1", "not an IPv4 or IPv6 address");
        assertError("[2001:db8::1]", "brackets are not accepted");
        assertError("[2001:db8::1]/64", "brackets are not accepted");
    }

    @Test
    void shouldRejectZoneIds()
    {
        assertError("fe80::1%eth0", "zone ids are not accepted");
        assertError("fe80::1%1", "zone ids are not accepted");
        assertError("fe80::1%eth0/64", "zone ids are not accepted");
        assertError("192.0.2.1%eth0", "zone ids are not accepted");
    }

    @Test
    void shouldRejectWhitespace()
    {
        assertError(" 192.0.2.1", "leading or trailing whitespace");
        assertError("192.0.2.1 ", "leading or trailing whitespace");
        assertEquals("'192.0.2.1\\u0009': leading or trailing whitespace",
            AddressText.parse("192.0.2.1\t", new IpPrefix(), 32, 128));
        assertError("\u00a0192.0.2.1", "leading or trailing whitespace");
        assertError("192.0.2. 1", "contains whitespace");
        assertError("192.0.2.0/ 24", "contains whitespace");
        assertError("2001:db8:: 1", "contains whitespace");
    }

    @Test
    void shouldEscapeControlCharactersInMessage()
    {
        final String text = "192.0.2.1\n";
        final String error = AddressText.parse(text, new IpPrefix(), 32, 128);

        assertNotNull(error);
        assertFalse(error.contains("\n"), error);
        assertTrue(error.contains("'192.0.2.1\\u000a'"), error);

        final String nul = AddressText.parse("192.0.\u00002.1", new IpPrefix(), 32, 128);
        assertNotNull(nul);
        assertTrue(nul.contains("'192.0.\\u00002.1': contains a control character"), nul);
    }

    @Test
    void shouldCapLongInputInMessage()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            text.append('9');
        }

        final String error = AddressText.parse(text, new IpPrefix(), 32, 128);

        assertNotNull(error);
        assertTrue(error.length() < 300, error);
        assertTrue(error.contains("octet 1 is 999"), error);
        assertTrue(error.startsWith("'999"), error);
        assertTrue(error.contains("...'"), error);
    }

    @Test
    void shouldRejectBadPrefixLengths()
    {
        assertError("2001:db8::/129", "prefix length 129 exceeds 128");
        assertError("192.0.2.0/33", "prefix length 33 exceeds 32");
        assertError("192.0.2.0/99999999999", "prefix length 99999999999 exceeds 32");
        assertError("192.0.2.0/024", "prefix length '024' has a leading zero");
        assertError("192.0.2.0/00", "prefix length '00' has a leading zero");
        assertError("2001:db8::/064", "prefix length '064' has a leading zero");
        assertError("192.0.2.0/+24", "prefix length '+24' is not a decimal number");
        assertError("192.0.2.0/-1", "prefix length '-1' is not a decimal number");
        assertError("192.0.2.0/0x18", "prefix length '0x18' is not a decimal number");
        assertError("192.0.2.0/", "empty prefix length after '/'");
        assertError("2001:db8::/", "empty prefix length after '/'");
        assertError("/24", "missing address before '/'");
        assertError("/", "missing address before '/'");
        assertError("192.0.2.0/24/8", "more than one '/'");
        assertError("::ffff:192.0.2.0/129", "prefix length 129 exceeds 128");
    }

    @Test
    void shouldAcceptZeroLength()
    {
        assertEquals("0.0.0.0/0", canonical("0.0.0.0/0"));
        assertEquals("::/0", canonical("::/0"));
    }

    @Test
    void shouldRejectHostBitsWithExplicitLength()
    {
        assertEquals("'192.0.2.5/24': host bits set (did you mean 192.0.2.0/24?)", error("192.0.2.5/24"));
        assertError("192.0.2.0/0", "host bits set (did you mean 0.0.0.0/0?)");
        assertError("198.51.100.129/25", "host bits set (did you mean 198.51.100.128/25?)");
        assertError("2001:db8::1/64", "host bits set (did you mean 2001:db8::/64?)");
        assertError("2001:db8::/28", "host bits set (did you mean 2001:db0::/28?)");
        assertError("::ffff:192.0.2.5/120", "host bits set (did you mean 192.0.2.0/24?)");
        assertError("::ffff:192.0.2.5/80", "host bits set (did you mean ::/80?)");
    }

    @Test
    void shouldRejectBadIpv6Groups()
    {
        assertError("2001:db8::12345", "group '12345' has more than 4 hex digits");
        assertError("02001:db8::1", "group '02001' has more than 4 hex digits");
        assertError("2001:db8::g", "unexpected character 'g'");
        assertError("2001:db8::1g", "unexpected character 'g'");
        assertError("2001:db8:-1::", "unexpected character '-'");
        assertError("2001:db8::\uff11", "unexpected character '\uff11'");
        assertError("2001:db8::1/64x", "prefix length '64x' is not a decimal number");
    }

    @Test
    void shouldRejectBadIpv6Colons()
    {
        assertError("2001:db8:::1", "':::' is not valid");
        assertError(":::", "':::' is not valid");
        assertError("::::", "':::' is not valid");
        assertError("2001:db8::1::2", "more than one '::'");
        assertError("::1::", "more than one '::'");
        assertError(":2001:db8::1", "leading ':' must be part of '::'");
        assertError(":", "leading ':' must be part of '::'");
        assertError("2001:db8::1:", "trailing ':' must be part of '::'");
        assertError("2001:db8:1:2:3:4:5:6:", "trailing ':' must be part of '::'");
    }

    @Test
    void shouldRejectWrongNumberOfIpv6Groups()
    {
        assertError("2001:db8:1:2:3:4:5", "expected 8 groups, found 7");
        assertError("2001:db8", "expected 8 groups, found 2");
        assertError("2001:db8:1:2:3:4:5:6:7", "more than 8 groups");
        assertError("1:2:3:4::5:6:7:8", "'::' must stand for at least one zero group");
        assertError("::1:2:3:4:5:6:7:8", "'::' must stand for at least one zero group");
        assertError("1:2:3:4:5:6:7:8::", "'::' must stand for at least one zero group");
    }

    @Test
    void shouldAcceptCompressionOfExactlyOneGroup()
    {
        assertEquals("1:2:3:4:5:6:7:0", canonical("1:2:3:4:5:6:7::"));
        assertEquals("0:1:2:3:4:5:6:7", canonical("::1:2:3:4:5:6:7"));
        assertEquals("1:2:3:0:4:5:6:7", canonical("1:2:3::4:5:6:7"));
    }

    @Test
    void shouldRejectBadEmbeddedIpv4()
    {
        assertError("::ffff:192.0.2.300", "octet 4 is 300, expected 0-255");
        assertError("::ffff:192.0.02.1", "octet 3 '02' has a leading zero");
        assertError("64:ff9b::192.0.2", "expected 4 octets, found 3");
        assertError("64:ff9b::192.0.2.1.1", "more than 4 octets");
        assertError("64:ff9b::192.0.2.1:1", "embedded IPv4 address must be the last 32 bits");
        assertError("1:2:3:4:5:6:7:192.0.2.1", "too many groups before the embedded IPv4 address");
        assertError("1:2:3:4:5:6:7::192.0.2.1", "too many groups before the embedded IPv4 address");
        assertError("::1:2:3:4:5:6:192.0.2.1", "'::' must stand for at least one zero group");
        assertError("1:2:3:4:5:192.0.2.1", "expected 8 groups, found 7");
        assertError("::ffff:c0.0.2.1", "octet 1 'c0' is not a decimal number");
        assertError("::ffff:.0.2.1", "embedded IPv4 octet 1 is empty");
        assertError("2001:db8::.", "embedded IPv4 octet 1 is empty");
    }

    @Test
    void shouldFormatHostWithoutSuffix()
    {
        assertEquals("192.0.2.1", AddressText.format(parse("192.0.2.1/32")));
        assertEquals("2001:db8::1", AddressText.format(parse("2001:db8::1/128")));
        assertEquals("192.0.2.0/31", AddressText.format(parse("192.0.2.0/31")));
        assertEquals("2001:db8::/127", AddressText.format(parse("2001:db8::/127")));
    }

    @Test
    void shouldAppendAddressOnly()
    {
        final StringBuilder out = new StringBuilder("peer=");

        AddressText.appendAddress(IPV6, parse("2001:db8::/32").copyAddress(), out);
        out.append(' ');
        AddressText.appendAddress(IPV4, new byte[]{ (byte)203, 0, 113, 0 }, out);

        assertEquals("peer=2001:db8:: 203.0.113.0", out.toString());
    }

    @Test
    void shouldAppendPrefix()
    {
        final StringBuilder out = new StringBuilder("block ");

        AddressText.append(parse("198.51.100.0/24"), out);

        assertEquals("block 198.51.100.0/24", out.toString());
    }

    @Test
    void shouldFormatAddressOnly()
    {
        assertEquals("192.0.2.0", AddressText.formatAddress(IPV4, parse("192.0.2.0/24").copyAddress()));
        assertEquals("2001:db8::", AddressText.formatAddress(IPV6, parse("2001:db8::/32").copyAddress()));
    }

    @Test
    void shouldFormatMappedIpv6ShorterThan96InHex()
    {
        final byte[] address = new byte[16];
        address[10] = (byte)0xff;
        address[11] = (byte)0xff;
        address[12] = (byte)192;
        address[15] = 0;
        final IpPrefix prefix = new IpPrefix().set(IPV6, address, 80);

        assertEquals("::ffff:c000:0/80", AddressText.format(prefix));
    }

    @Test
    void shouldRejectInvalidFormatArguments()
    {
        final StringBuilder out = new StringBuilder();

        assertThrows(IllegalArgumentException.class, () -> AddressText.appendAddress(5, new byte[16], out));
        assertThrows(IllegalArgumentException.class, () -> AddressText.appendAddress(IPV6, new byte[4], out));
        assertThrows(IllegalArgumentException.class, () -> AddressText.formatAddress(IPV4, new byte[3]));
    }

    @Test
    void shouldAcceptCharSequences()
    {
        final IpPrefix prefix = new IpPrefix();

        assertNull(AddressText.parse(new StringBuilder("2001:db8::/48"), prefix, 32, 128));
        assertEquals("2001:db8::/48", prefix.toString());
    }

    @Test
    void shouldReuseTheTargetAcrossParses()
    {
        final IpPrefix prefix = new IpPrefix();

        assertNull(AddressText.parse("2001:db8::1", prefix, 32, 128));
        assertNull(AddressText.parse("192.0.2.0/24", prefix, 32, 128));
        assertEquals(parse("192.0.2.0/24"), prefix);
        assertEquals(0, prefix.addressByte(4));
    }

    @Test
    void shouldRoundTripRandomPrefixes()
    {
        final Random random = new Random(0x5EED_B10C);
        final IpPrefix original = new IpPrefix();
        final IpPrefix parsed = new IpPrefix();
        final byte[] address = new byte[16];

        for (int i = 0; i < 100_000; i++)
        {
            randomPrefix(random, address, original);
            final String text = AddressText.format(original);

            final String error = AddressText.parse(text, parsed, 32, 128);

            assertNull(error, text);
            assertEquals(original, parsed, text);
            assertEquals(text, AddressText.format(parsed));
        }
    }

    @Test
    void shouldParseJdkHostTextForRandomHosts() throws UnknownHostException
    {
        // getByAddress never resolves; its uncompressed text is an independent spelling of the same bytes.
        final Random random = new Random(20_240_601L);
        final IpPrefix original = new IpPrefix();
        final byte[] address = new byte[16];

        for (int i = 0; i < 10_000; i++)
        {
            randomPrefix(random, address, original);
            original.maskTo(AddressFamily.maxPrefixLength(original.family()));
            final byte[] bytes = Arrays.copyOf(
                original.copyAddress(), AddressFamily.addressLength(original.family()));
            final String jdkText = InetAddress.getByAddress(bytes).getHostAddress();

            assertEquals(original, parse(jdkText), jdkText);
        }
    }

    @Test
    void shouldNeverThrowOnRandomText()
    {
        final Random random = new Random(42);
        final String alphabet = "0123456789abcdefABCDEFxg:::..../%[] -+";
        final StringBuilder text = new StringBuilder();
        final IpPrefix prefix = new IpPrefix();
        final IpPrefix reparsed = new IpPrefix();
        int accepted = 0;

        for (int i = 0; i < 100_000; i++)
        {
            text.setLength(0);
            final int length = random.nextInt(48);
            for (int j = 0; j < length; j++)
            {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }

            final String error = AddressText.parse(text, prefix, 24, 64);
            if (null == error)
            {
                accepted++;
                assertTrue(prefix.isHostBitsZero(), text::toString);
                assertNull(AddressText.parse(prefix.toString(), reparsed, 32, 128), text::toString);
                assertEquals(prefix, reparsed, text::toString);
            }
            else
            {
                assertTrue(error.startsWith("'" + text + "'"), error);
            }
        }

        assertTrue(accepted > 0, "no random text was accepted: " + accepted);
    }

    private static void randomPrefix(final Random random, final byte[] address, final IpPrefix into)
    {
        Arrays.fill(address, (byte)0);
        final int family = random.nextBoolean() ? IPV4 : IPV6;
        if (IPV4 == family)
        {
            for (int i = 0; i < 4; i++)
            {
                address[i] = (byte)(random.nextInt(4) == 0 ? 0 : random.nextInt(256));
            }
        }
        else if (random.nextInt(16) == 0)
        {
            address[10] = (byte)0xff;
            address[11] = (byte)0xff;
            for (int i = 12; i < 16; i++)
            {
                address[i] = (byte)random.nextInt(256);
            }
        }
        else
        {
            // Many zero groups so every compression case comes up.
            for (int g = 0; g < 8; g++)
            {
                final int choice = random.nextInt(3);
                final int value = 0 == choice ? 0 : (1 == choice ? random.nextInt(16) : random.nextInt(65536));
                address[g * 2] = (byte)(value >>> 8);
                address[g * 2 + 1] = (byte)value;
            }
        }

        into.set(family, address, AddressFamily.maxPrefixLength(family));

        // Length drawn after set() since a mapped address has become IPv4.
        final int max = AddressFamily.maxPrefixLength(into.family());
        into.maskTo(random.nextInt(4) == 0 ? max : random.nextInt(max + 1));
    }
}
