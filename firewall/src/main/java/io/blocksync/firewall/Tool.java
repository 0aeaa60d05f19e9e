package io.blocksync.firewall;

import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One external program as a backend runs it: an optional command prefix (e.g. {@code ip netns exec NS}), the
 * program, and the package to suggest when it is missing. Turns every failure into a one-line
 * {@link FirewallException}.
 */
final class Tool
{
    /** How long a tool may run before it is killed and the call fails; a 100,000-element reconcile takes seconds. */
    static final long TIMEOUT_MILLIS = 120_000;
    private static final int MAX_MESSAGE_LENGTH = 400;
    private static final byte[] NO_INPUT = new byte[0];

    private final CommandRunner runner;
    private final List<String> prefix;
    private final String program;
    private final String installHint;

    Tool(final CommandRunner runner, final List<String> prefix, final String program, final String installHint)
    {
        this.runner = runner;
        this.prefix = Collections.unmodifiableList(new ArrayList<>(prefix));
        this.program = program;
        this.installHint = installHint;
    }

    String program()
    {
        return program;
    }

    List<String> argv(final List<String> args)
    {
        final List<String> argv = new ArrayList<>(prefix.size() + 1 + args.size());
        argv.addAll(prefix);
        argv.add(program);
        argv.addAll(args);

        return argv;
    }

    /**
     * Run and return the result whatever the exit code.
     *
     * @throws FirewallException if the program cannot be started or times out.
     */
    CommandResult run(final List<String> args, final byte[] stdin)
    {
        final List<String> argv = argv(args);
        try
        {
            return runner.run(argv, null == stdin ? NO_INPUT : stdin);
        }
        catch (final IOException ex)
        {
            throw new FirewallException(cannotRun(argv.get(0), ex), ex);
        }
    }

    CommandResult run(final String... args)
    {
        return run(List.of(args), NO_INPUT);
    }

    /**
     * Run and fail unless the exit code is 0.
     *
     * @throws FirewallException naming the program and its first error line.
     */
    CommandResult runOrThrow(final List<String> args, final byte[] stdin)
    {
        final CommandResult result = run(args, stdin);
        if (0 != result.exitStatus())
        {
            throw new FirewallException(failure(result));
        }

        return result;
    }

    CommandResult runOrThrow(final String... args)
    {
        return runOrThrow(List.of(args), NO_INPUT);
    }

    /**
     * @return {@code program: first error line}, with a hint when the cause is missing privilege or program.
     */
    String failure(final CommandResult result)
    {
        String line = Tool.firstLine(result.error());
        if (line.isEmpty())
        {
            line = Tool.firstLine(result.output());
        }
        if (line.isEmpty())
        {
            line = "exit code " + result.exitStatus();
        }

        final String name = line.startsWith(program + ":") ? "" : program + ": ";

        return name + clip(line) + hint(line);
    }

    String hint(final String line)
    {
        if (line.contains("Operation not permitted") || line.contains("Permission denied"))
        {
            return line.contains("root") ? "" : " (run as root)";
        }
        if (line.contains("exec of") && line.contains("No such file"))
        {
            return " (" + installHint + ")";
        }

        return "";
    }

    /**
     * @return the first non-blank line of text, trimmed, or an empty string.
     */
    static String firstLine(final String text)
    {
        for (final String line : text.split("\n"))
        {
            if (!line.isBlank())
            {
                return line.trim();
            }
        }

        return "";
    }

    static String clip(final String text)
    {
        return text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH) + "...";
    }

    private String cannotRun(final String argv0, final IOException ex)
    {
        final String message = String.valueOf(ex.getMessage());
        if (message.contains("error=2") || message.contains("No such file"))
        {
            return argv0.equals(program) ?
                program + " not found on PATH (" + installHint + ")" :
                argv0 + " not found on PATH";
        }
        if (message.contains("error=13"))
        {
            return "cannot execute " + argv0 + ": permission denied";
        }

        return "cannot run " + argv0 + ": " + clip(message);
    }
}
