package io.blocksync.firewall;

/**
 * Reads one chain out of a terse {@code nft -t list ruleset} listing (nft(8): sets printed without elements, so the
 * listing costs the same whatever the sets hold; {@code list chain} fetches every element of the table first, 0.7 s
 * for 100,000 with nft 1.0.6).
 */
final class NftRuleset
{
    private NftRuleset()
    {
    }

    /**
     * @param ruleset the listing: {@code table FAMILY NAME {}, then its sets and chains, one statement a line.
     * @param family  e.g. {@code inet}.
     * @param table   the table's name.
     * @param chain   the chain's name.
     * @return the chain's lines (header, statements) joined with newlines, or null if the table or chain is missing.
     */
    static String chain(final String ruleset, final String family, final String table, final String chain)
    {
        final String tableHeader = "table " + family + " " + table + " {";
        final String chainHeader = "chain " + chain + " {";
        int depth = 0;
        boolean inTable = false;
        StringBuilder body = null;
        for (final String raw : ruleset.split("\n"))
        {
            final String line = raw.trim();
            if (0 == depth && line.equals(tableHeader))
            {
                inTable = true;
            }
            else if (inTable && 1 == depth && line.equals(chainHeader))
            {
                body = new StringBuilder();
            }
            else if (null != body && 2 == depth && line.equals("}"))
            {
                return body.toString();
            }
            else if (null != body)
            {
                body.append(line).append('\n');
            }

            if (line.endsWith("{"))
            {
                depth++;
            }
            else if (line.equals("}"))
            {
                depth--;
                inTable &= depth > 0;
            }
        }

        return null;
    }
}
