package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.nativeio.CommandResult;

/**
 * The lines of the ipset backend's restore scripts (ipset(8) {@code restore} syntax) and how its errors read.
 */
final class IpsetScripts
{
    private static final String TEMPORARY_SUFFIX = "-tmp";

    private final IpsetSettings settings;

    IpsetScripts(final IpsetSettings settings)
    {
        this.settings = settings;
    }

    /**
     * @return {@code create} lines for both managed sets ({@code hash:net}, timeouts, the configured maxelem).
     */
    String create()
    {
        final StringBuilder script = new StringBuilder(256);
        appendCreate(script, settings.set4, "inet");
        appendCreate(script, settings.set6, "inet6");

        return script.toString();
    }

    /**
     * Fill a temporary set with {@code adds} and swap it in, so live bans never leave the kernel.
     */
    void appendSwap(final StringBuilder script, final String set, final String family, final CharSequence adds)
    {
        final String temporary = temporary(set);
        appendCreate(script, temporary, family);
        script.append("flush ").append(temporary).append('\n')
            .append(adds)
            .append("swap ").append(temporary).append(' ').append(set).append('\n')
            .append("destroy ").append(temporary).append('\n');
    }

    /**
     * {@code add SET PREFIX timeout SECONDS}, the timeout clamped to what ipset accepts.
     */
    static void appendAdd(final StringBuilder script, final String set, final FirewallChange change)
    {
        script.append("add ").append(set).append(' ');
        AddressText.append(change.ban().prefix(), script);
        script.append(" timeout ").append(Math.min(change.timeoutSeconds(), IpsetBackend.MAX_TIMEOUT_SECONDS)).append('\n');
    }

    /**
     * @return the name a reconcile fills before the swap, null for null.
     */
    static String temporary(final String set)
    {
        return null == set ? null : set + TEMPORARY_SUFFIX;
    }

    /**
     * ipset prefixes errors with its version ({@code ipset v7.17: Error in line 3: ...}); keep the part that matters.
     */
    static String describe(final Tool ipset, final CommandResult result)
    {
        String line = Tool.firstLine(result.error());
        if (line.startsWith("ipset v"))
        {
            final int colon = line.indexOf(": ");
            if (colon > 0)
            {
                line = line.substring(colon + 2);
            }
        }
        if (line.isEmpty())
        {
            return ipset.failure(result);
        }

        return ipset.program() + ": " + Tool.clip(line) + ipset.hint(line);
    }

    private void appendCreate(final StringBuilder script, final String set, final String family)
    {
        script.append("create ").append(set).append(" hash:net family ").append(family)
            .append(" timeout 0 maxelem ").append(settings.maxElements).append('\n');
    }
}
