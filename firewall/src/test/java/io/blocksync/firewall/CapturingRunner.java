package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Records every command a backend runs (argv and stdin) and answers with queued results, default exit 0.
 */
final class CapturingRunner implements CommandRunner
{
    static final class Call
    {
        final List<String> argv;
        final String stdin;

        Call(final List<String> argv, final String stdin)
        {
            this.argv = argv;
            this.stdin = stdin;
        }

        @Override
        public String toString()
        {
            return String.join(" ", argv) + (stdin.isEmpty() ? "" : " <<< " + stdin.replace("\n", "\\n"));
        }
    }

    final List<Call> calls = new ArrayList<>();
    private final Deque<CommandResult> results = new ArrayDeque<>();

    CapturingRunner thenReturn(final int exitCode, final String stdout, final String stderr)
    {
        results.addLast(new CommandResult(exitCode, stdout, stderr));
        return this;
    }

    @Override
    public CommandResult run(final List<String> argv)
    {
        return run(argv, new byte[0]);
    }

    @Override
    public CommandResult run(final List<String> argv, final byte[] stdin)
    {
        calls.add(new Call(List.copyOf(argv), new String(stdin, StandardCharsets.US_ASCII)));
        final CommandResult result = results.pollFirst();
        return null == result ? new CommandResult(0, "", "") : result;
    }

    List<String> argvLines()
    {
        final List<String> lines = new ArrayList<>();
        for (final Call call : calls)
        {
            lines.add(String.join(" ", call.argv));
        }
        return lines;
    }
}
