package io.blocksync.firewall;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Writes element changes as nft commands ({@code nft -f -} syntax), up to 1,024 elements per command.
 */
final class NftScriptSink implements NftElementSink
{
    private static final int ELEMENTS_PER_COMMAND = 1024;

    private final StringBuilder script;

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
    public void remove(final NftSetModel set, final List<IpPrefix> removals)
    {
        // Adding first makes the delete succeed even if the kernel already expired the element.
        for (int from = 0; from < removals.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(removals.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(set, removals.get(i), i > from);
                script.append(" timeout 1s");
            }
            script.append(" }\ndelete element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                appendElement(set, removals.get(i), i > from);
            }
            script.append(" }\n");
        }
    }

    @Override
    public void add(final NftSetModel set, final List<NftElement> additions, final long nowMs)
    {
        for (int from = 0; from < additions.size(); from += ELEMENTS_PER_COMMAND)
        {
            final int to = Math.min(additions.size(), from + ELEMENTS_PER_COMMAND);
            script.append("add element ").append(set.reference()).append(" { ");
            for (int i = from; i < to; i++)
            {
                final NftElement element = additions.get(i);
                appendElement(set, element.prefix, i > from);
                if (NftSetModel.PERMANENT != element.deadlineMs)
                {
                    script.append(" timeout ");
                    NftElement.appendDuration(script,
                        KernelTimeout.secondsLeft(element.deadlineMs - nowMs, TimeUnit.MILLISECONDS));
                }
            }
            script.append(" }\n");
        }
    }

    private void appendElement(final NftSetModel set, final IpPrefix prefix, final boolean comma)
    {
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
}
