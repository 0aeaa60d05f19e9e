package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The tool path of a {@link ScriptChannel}: one {@code tool ARGS} process per script, the script on standard input
 * ({@code nft -f -}, {@code ipset restore -exist}); a listing is {@code tool WORDS} on its own.
 */
final class ProcessChannel implements ScriptChannel
{
    private final Tool tool;
    private final List<String> args;
    private final String description;

    ProcessChannel(final Tool tool, final List<String> args)
    {
        this.tool = tool;
        this.args = args;
        this.description = tool.program() + " " + String.join(" ", args) + " process";
    }

    @Override
    public CommandResult run(final String script)
    {
        return tool.run(args, script.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public CommandResult query(final boolean terse, final String... words)
    {
        final List<String> command = new ArrayList<>(words.length + 1);
        if (terse)
        {
            command.add("-t");
        }
        command.addAll(List.of(words));
        return tool.run(command.toArray(new String[0]));
    }

    @Override
    public String description()
    {
        return description;
    }

    @Override
    public void close()
    {
    }
}
