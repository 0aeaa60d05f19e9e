package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A libnftables context kept open across commands: no {@code nft} process per batch. {@link #run(String)} takes a
 * script exactly as {@code nft -f -} reads it on standard input and answers with the library's own output and error
 * text, exit status 0 or 1 like the tool.
 * <p>
 * libnftables ({@value #DEFAULT_SONAME}, Debian package libnftables1) is loaded at run time with dlopen by the JNI
 * library, so neither needs the other at build time; {@link #unavailableReason()} says in one line why a session
 * cannot be opened (no JNI library, no libnftables, a libnftables without the expected symbols). The system property
 * {@value #SONAME_PROPERTY} names another file for dlopen.
 * <p>
 * Network namespaces: given a namespace file ({@code /run/netns/NAME}), the calling thread enters that namespace
 * around the context's creation and around each command (setns(2), needs CAP_SYS_ADMIN) and returns at once, so the
 * library's netlink socket and any it opens later live there, while the thread itself stays where it was. This is
 * the library session's equivalent of running the tool under {@code ip netns exec NAME}.
 * <p>
 * Not thread-safe: one thread at a time (the firewall worker); calls from different threads must be ordered by a
 * happens-before, as a thread start or a queue gives.
 */
public final class NftablesSession implements ScriptSession
{
    public static final String DEFAULT_SONAME = "libnftables.so.1";
    public static final String SONAME_PROPERTY = "blocksync.libnftables";
    /**
     * {@code NFT_CTX_OUTPUT_TERSE} (nftables/libnftables.h, the tool's {@code -t}): listings omit set elements, and
     * {@code list ruleset} then fetches none from the kernel, so it costs the same with 10 or 100,000 elements.
     */
    public static final int OUTPUT_TERSE = 1 << 11;

    private final String networkNamespace;
    private long handle;

    private NftablesSession(final long handle, final String networkNamespace)
    {
        this.handle = handle;
        this.networkNamespace = networkNamespace;
    }

    /**
     * @return null if a session can be opened, else one line saying why not; the outcome is fixed for the JVM.
     */
    public static String unavailableReason()
    {
        return KernelLibrary.unavailableReason("libnftables",
            System.getProperty(SONAME_PROPERTY, DEFAULT_SONAME), NftablesSession::probe0);
    }

    /**
     * @return true if {@link #open(String)} can work: the JNI library and libnftables both loaded.
     */
    public static boolean available()
    {
        return null == unavailableReason();
    }

    /**
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null for the caller's namespace.
     * @return an open session.
     * @throws IOException if the library is unavailable, the namespace cannot be entered or the context not made.
     */
    public static NftablesSession open(final String networkNamespace) throws IOException
    {
        final String unavailable = unavailableReason();
        if (null != unavailable)
        {
            throw new IOException(unavailable);
        }

        return new NftablesSession(open0(networkNamespace), networkNamespace);
    }

    /**
     * Run one script as one {@code nft -f -} would: one transaction for its changes, its listings in the output.
     *
     * @param script nft commands, one per line.
     * @return exit status 0 or 1, the library's output and its error report (location, message, underlined text).
     * @throws IOException           if the namespace cannot be entered or left.
     * @throws IllegalStateException if the session is closed.
     */
    public CommandResult run(final String script) throws IOException
    {
        if (0 == handle)
        {
            throw new IllegalStateException("nftables session" + where() + " is closed; open a new one");
        }
        final int status = run0(handle, script.getBytes(StandardCharsets.UTF_8));
        final String output = new String(output0(handle), StandardCharsets.UTF_8);
        final String error = new String(error0(handle), StandardCharsets.UTF_8);

        return new CommandResult(status, output, error);
    }

    /**
     * Set the context's output flags for the commands that follow ({@code nft_ctx_output_set_flags(3)}).
     *
     * @param flags e.g. {@link #OUTPUT_TERSE}, or 0 for the tool's defaults.
     * @throws IllegalStateException if the session is closed.
     */
    public void outputFlags(final int flags)
    {
        if (0 == handle)
        {
            throw new IllegalStateException("nftables session" + where() + " is closed; open a new one");
        }
        outputFlags0(handle, flags);
    }

    public boolean isOpen()
    {
        return 0 != handle;
    }

    /**
     * @return the namespace file given at open, or null.
     */
    public String networkNamespace()
    {
        return networkNamespace;
    }

    /**
     * Frees the context and closes its socket. Idempotent.
     */
    @Override
    public void close()
    {
        if (0 != handle)
        {
            close0(handle);
            handle = 0;
        }
    }

    private String where()
    {
        return null == networkNamespace ? "" : " in " + networkNamespace;
    }

    private static native String probe0(String soname);

    private static native long open0(String networkNamespace) throws IOException;

    private static native int run0(long handle, byte[] script) throws IOException;

    private static native byte[] output0(long handle);

    private static native byte[] error0(long handle);

    private static native void outputFlags0(long handle, int flags);

    private static native void close0(long handle);
}
