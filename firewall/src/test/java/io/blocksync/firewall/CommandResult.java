package io.blocksync.firewall;

/**
 * Test-only view of native's {@link io.blocksync.nativeio.CommandResult} with the names the namespace fixtures use;
 * see {@link ProcessCommandRunner}.
 */
final class CommandResult
{
    private final io.blocksync.nativeio.CommandResult result;

    CommandResult(final io.blocksync.nativeio.CommandResult result)
    {
        this.result = result;
    }

    boolean succeeded()
    {
        return 0 == result.exitStatus();
    }

    String stdout()
    {
        return result.output();
    }

    String stderr()
    {
        return result.error();
    }

    static String firstLine(final String text)
    {
        return Tool.firstLine(text);
    }
}
