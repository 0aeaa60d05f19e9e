package io.blocksync.firewall;

import io.blocksync.nativeio.IpsetSession;
import io.blocksync.nativeio.NftablesSession;
import io.blocksync.nativeio.ScriptSession;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Picks a backend's {@link ScriptChannel} at start from the {@link KernelSessionMode} and says which once.
 */
final class ScriptChannels
{
    /**
     * Opens a library session ({@link ScriptSession}: {@link NftablesSession}, {@link IpsetSession}).
     */
    @FunctionalInterface
    interface Opener
    {
        ScriptSession open() throws IOException;
    }

    /**
     * What {@link #choose} needs to know about one backend.
     *
     * @param backend           e.g. {@code nftables}, the start of every log line.
     * @param library           e.g. {@code libnftables}.
     * @param unavailableReason null if the library session can open, else why not (one line).
     * @param opener            opens the session.
     * @param process           the tool path, used when the session is not.
     */
    record Choice(String backend, String library, String unavailableReason, Opener opener, ScriptChannel process)
    {
    }

    private ScriptChannels()
    {
    }

    /**
     * The nftables backend's channel: a libnftables session or {@code process}.
     *
     * @param toolsInjected true if the backend was given a command runner: {@code auto} then means the runner.
     */
    static ScriptChannel forNftables(
        final NftablesSettings settings,
        final ScriptChannel process,
        final boolean toolsInjected,
        final Consumer<String> log)
    {
        final KernelSessionMode mode = toolsInjected && KernelSessionMode.AUTO == settings.kernelSession ?
            KernelSessionMode.PROCESS : settings.kernelSession;
        final String unavailable = null == NftablesSession.unavailableReason() ?
            prefixReason(settings.commandPrefix, settings.networkNamespace, settings.nft) :
            NftablesSession.unavailableReason();

        return choose(mode,
            new Choice("nftables", "libnftables", unavailable, () -> NftablesSession.open(settings.networkNamespace), process), log);
    }

    /**
     * The ipset backend's channel: a libipset session with {@code -exist}, or {@code process}.
     *
     * @param toolsInjected true if the backend was given a command runner: {@code auto} then means the runner.
     */
    static ScriptChannel forIpset(
        final IpsetSettings settings,
        final ScriptChannel process,
        final boolean toolsInjected,
        final Consumer<String> log)
    {
        final KernelSessionMode mode = toolsInjected && KernelSessionMode.AUTO == settings.kernelSession ?
            KernelSessionMode.PROCESS : settings.kernelSession;
        final String unavailable = null == IpsetSession.unavailableReason() ?
            prefixReason(settings.commandPrefix, settings.networkNamespace, settings.ipset) :
            IpsetSession.unavailableReason();

        return choose(mode,
            new Choice("ipset", "libipset", unavailable, () -> IpsetSession.open(settings.networkNamespace, true), process), log);
    }

    /**
     * A command prefix (e.g. {@code ip netns exec NS}, {@code sudo}) changes where the tool runs; a session cannot
     * follow it and would change the daemon's own namespace instead, unless given the namespace itself.
     */
    private static String prefixReason(final List<String> prefix, final String networkNamespace, final String tool)
    {
        return prefix.isEmpty() || null != networkNamespace ? null : "the command prefix '" + String.join(" ", prefix) +
            "' wraps the " + tool + " tool and a library session cannot follow it (give it a network namespace)";
    }

    /**
     * @param mode   the configured mode.
     * @param choice the backend's session and tool path.
     * @param log    receives one line: the session in use, or why the tool path is used instead.
     * @return the channel to use until the backend closes.
     * @throws FirewallException if the mode is {@code library} and the session cannot open.
     */
    static ScriptChannel choose(final KernelSessionMode mode, final Choice choice, final Consumer<String> log)
    {
        if (KernelSessionMode.PROCESS == mode)
        {
            return choice.process;
        }

        String failure = choice.unavailableReason;
        if (null == failure)
        {
            try
            {
                final ScriptChannel session = session(choice.library + " session", choice.opener.open());
                log.accept(choice.backend + ": applying through the " + session.description() +
                    " (kernel-session = " + mode + ")");
                return session;
            }
            catch (final IOException ex)
            {
                failure = choice.library + " session cannot open: " + ex.getMessage();
            }
        }

        if (KernelSessionMode.LIBRARY == mode)
        {
            throw new FirewallException(choice.backend + ": " + failure +
                " (kernel-session = library; set auto or process to use the tool instead)");
        }
        log.accept(choice.backend + ": " + failure + "; using one " + choice.process.description() +
            " per batch instead (kernel-session = auto)");

        return choice.process;
    }

    /**
     * @return the tool path: {@code tool ARGS} with the script on standard input.
     */
    static ScriptChannel process(final Tool tool, final List<String> args)
    {
        return new ProcessChannel(tool, args);
    }

    static ScriptChannel session(final String description, final ScriptSession session)
    {
        return new SessionChannel(description, session);
    }
}
