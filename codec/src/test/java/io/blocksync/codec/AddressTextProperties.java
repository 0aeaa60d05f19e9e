package io.blocksync.codec;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Text and value agree: the canonical text of any prefix parses back to it, and so does its longest spelling.
 * Seeded with {@link #SEED}; to explore other samples see {@link PropertyRuns}.
 */
class AddressTextProperties
{
    private static final long SEED = 20250914L;
    private static final int EXAMPLES = 1000;

    @Test
    void formatThenParseGivesThePrefixBack()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(CodecGens.prefixes()).checkAssert(AddressTextProperties::formatThenParse);
    }

    /** Eight groups with leading zeros (or the dotted quad) and an explicit length: the same value as the short form. */
    @Test
    void theLongestSpellingParsesToTheSameValue()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(CodecGens.prefixes()).checkAssert(AddressTextProperties::parseLongest);
    }

    private static void formatThenParse(final IpPrefix prefix)
    {
        final String text = AddressText.format(prefix);
        final IpPrefix parsed = new IpPrefix();

        assertNull(AddressText.parse(text, parsed, 32, 128), text);
        assertEquals(prefix, parsed, text);
        assertEquals(text, AddressText.format(parsed), "canonical text is a fixed point");
    }

    private static void parseLongest(final IpPrefix prefix)
    {
        final StringBuilder text = new StringBuilder();
        if (prefix.family() == AddressFamily.IPV4)
        {
            AddressText.appendAddress(AddressFamily.IPV4, prefix.copyAddress(), text);
        }
        else
        {
            for (int group = 0; group < AddressFamily.IPV6_ADDRESS_LENGTH / 2; group++)
            {
                text.append(group == 0 ? "" : ":")
                    .append(String.format("%04x", (prefix.addressByte(2 * group) << 8) | prefix.addressByte(2 * group + 1)));
            }
        }
        text.append('/').append(prefix.prefixLength());
        final IpPrefix parsed = new IpPrefix();

        assertNull(AddressText.parse(text, parsed, 0, 0), text::toString);
        assertEquals(prefix, parsed, text::toString);
    }
}
