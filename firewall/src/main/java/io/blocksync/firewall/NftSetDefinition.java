package io.blocksync.firewall;

import java.util.Locale;

/**
 * Whether the managed table's sets are still what managed mode creates (their {@code type} and {@code flags}), read
 * from a terse {@code nft -t list ruleset} (nft(8): sets without elements). A table re-created by hand with a set
 * lacking {@code flags timeout} keeps every name, so counting rules never notices it, and {@code add set} with our
 * flags over it fails ("File exists"): such a table is deleted and set up again in one transaction.
 */
final class NftSetDefinition
{
    private NftSetDefinition()
    {
    }

    /**
     * @param ruleset the terse listing.
     * @param table   {@code FAMILY NAME}.
     * @param set     the set's name.
     * @param type    e.g. {@code ipv4_addr}.
     * @param flags   as nft lists them, e.g. {@code interval,timeout}.
     * @return true when the set exists with another type or other flags (a missing set is not a mismatch: setting
     * up creates it).
     */
    static boolean differs(
        final String ruleset, final String table, final String set, final String type, final String flags)
    {
        final String tableHeader = "table " + table + " {";
        final String setHeader = "set " + set + " {";
        boolean inTable = false;
        boolean inSet = false;
        String listedType = null;
        String listedFlags = "";
        int depth = 0;
        for (final String raw : ruleset.split("\n"))
        {
            final String line = raw.trim();
            if (0 == depth && line.equals(tableHeader))
            {
                inTable = true;
            }
            else if (inTable && 1 == depth && line.equals(setHeader))
            {
                inSet = true;
            }
            else if (inSet && 2 == depth && line.equals("}"))
            {
                return !type.equals(listedType) || !flags.equals(listedFlags);
            }
            else if (inSet && line.startsWith("type "))
            {
                listedType = line.substring("type ".length()).trim();
            }
            else if (inSet && line.startsWith("flags "))
            {
                listedFlags = line.substring("flags ".length()).replace(" ", "").toLowerCase(Locale.ROOT);
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
        return false;
    }
}
