package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

/**
 * One line of a blocklist file, in the formats lists come in:
 * <ul>
 *   <li>an address or prefix per line ({@code 192.0.2.1}, {@code 198.51.100.0/24}, {@code 2001:db8::/32}), anything
 *   after it on the line ignored;</li>
 *   <li>comments: blank lines and lines starting with {@code #} or {@code ;};</li>
 *   <li>Spamhaus DROP/EDROP: {@code 192.0.2.0/24 ; SBL123456} (the prefix before the {@code ;});</li>
 *   <li>ipset save output ({@code ipset save SET}): {@code add SET ADDRESS [timeout N ...]} (the third word), its
 *   {@code create} lines skipped.</li>
 * </ul>
 * Prefixes are read strictly, as the config file reads them: host bits after the length are an error.
 */
final class BlocklistLine
{
    private BlocklistLine()
    {
    }

    /**
     * @param into receives the prefix; an address alone is one host (/32, /128).
     * @return null when the line holds a prefix (in {@code into}), {@link #SKIP} for a comment or blank line, else
     * what is wrong with it.
     */
    static String parse(final String line, final IpPrefix into)
    {
        final String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";"))
        {
            return SKIP;
        }
        final String[] words = trimmed.split("[\\s;]+");
        if ("create".equals(words[0]))
        {
            return SKIP;
        }
        final String prefix;
        if ("add".equals(words[0]))
        {
            if (words.length < 3)
            {
                return "'" + trimmed + "': expected ipset's 'add SET ADDRESS'";
            }
            prefix = words[2];
        }
        else
        {
            prefix = words[0];
        }
        return AddressText.parse(prefix, into, 32, 128);
    }

    /** What {@link #parse} answers for a line with nothing to ban. */
    static final String SKIP = "";
}
