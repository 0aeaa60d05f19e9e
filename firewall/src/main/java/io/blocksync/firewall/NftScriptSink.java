package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.concurrent.TimeUnit;

/**
 * Writes element changes as nft commands ({@code nft -f -} syntax), up to 1,024 elements per command.
 */
final class NftScriptSink implements NftElementSink
{
    private static final int ELEMENTS_PER_COMMAND = 1024;

    private final StringBuilder script;
    private final IpPrefix prefix = new IpPrefix();

    NftScriptSink(final StringBuilder script)
    {
        this.script = script;
    }

    @Override
    public void flush(final NftSetModel set)
    {
        script.append("flush set ").append(set.reference()).append('\n');
    }

    @Override
    public void remove(final NftSetModel set, final NftElementList removals)
    {
        // Adding first makes the delete succeed even if the kernel already expired the element.
        for (int from = 0; from < removals.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(removals.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(set, removals, i, i > from);
                script.append(" timeout 1s");
            }
            script.append(" }\ndelete element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(set, removals, i, i > from);
            }
            script.append(" }\n");
        }
    }

    @Override
    public void add(final NftSetModel set, final NftElementList additions, final long nowMs)
    {
        for (int from = 0; from < additions.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(additions.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(set, additions, i, i > from);
                final long deadlineMs = additions.deadlineMs(i);
                if (NftSetModel.PERMANENT != deadlineMs)
                {
                    script.append(" timeout ");
                    appendDuration(script, KernelTimeout.secondsLeft(deadlineMs - nowMs, TimeUnit.MILLISECONDS));
                }
            }
            script.append(" }\n");
        }
    }

    private void appendElement(
        final NftSetModel set, final NftElementList elements, final int index, final boolean comma)
    {
        elements.prefix(index, prefix);
        if (comma)
        {
            script.append(", ");
        }

        if (set.addressOnly())
        {
            AddressText.appendAddress(prefix.family(), prefix.copyAddress(), script);
        }
        else
        {
            AddressText.append(prefix, script);
        }
    }

    /**
     * nft parses a bare seconds count into a 32-bit millisecond field, so large values must be split into units.
     */
    static void appendDuration(final StringBuilder out, final long seconds)
    {
        final long days = seconds / 86_400;
        final long hours = seconds / 3_600 % 24;
        final long minutes = seconds / 60 % 60;
        final long secs = seconds % 60;
        if (days > 0)
        {
            out.append(days).append('d');
        }
        if (hours > 0)
        {
            out.append(hours).append('h');
        }
        if (minutes > 0)
        {
            out.append(minutes).append('m');
        }
        if (secs > 0 || 0 == seconds)
        {
            out.append(secs).append('s');
        }
    }
}
