package io.blocksync.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A libipset session kept open across commands: no {@code ipset} process per batch. {@link #run(String)} takes a
 * script exactly as {@code ipset -exist restore} reads it on standard input (or {@code ipset restore} for a session
 * opened without {@code exist}) and answers with the library's own output and error text, exit status as the tool's.
 * <p>
 * Like the tool, a script stops at its first failed line (lines already sent stay applied; ipset restore is not a
 * transaction), adds and deletes to one set are sent in batches, and errors read {@code Error in line N: ...}
 * counting lines of this script. A warning is kept in the error text without failing the call. libipset
 * ({@value #DEFAULT_SONAME}, Debian package libipset13) is loaded at run time with dlopen, the system property
 * {@value #SONAME_PROPERTY} names another file. Network namespaces and threads: as {@link NftablesSession}.
 */
public final class IpsetSession implements ScriptSession
{
    public static final String DEFAULT_SONAME = "libipset.so.13";
    public static final String SONAME_PROPERTY = "blocksync.libipset";

    private final String networkNamespace;
    private long handle;

    private IpsetSession(final long handle, final String networkNamespace)
    {
        this.handle = handle;
        this.networkNamespace = networkNamespace;
    }

    /**
     * @return null if a session can be opened, else one line saying why not; the outcome is fixed for the JVM.
     */
    public static String unavailableReason()
    {
        return KernelLibrary.unavailableReason("libipset",
            System.getProperty(SONAME_PROPERTY, DEFAULT_SONAME), IpsetSession::probe0);
    }

    /**
     * @return true if {@link #open(String)} can work: the JNI library and libipset both loaded.
     */
    public static boolean available()
    {
        return null == unavailableReason();
    }

    /**
     * A session with {@code -exist}: re-adding refreshes an element, deleting a missing one and creating an existing
     * set are no errors.
     *
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null for the caller's namespace.
     * @return an open session.
     * @throws IOException if the library is unavailable or the session cannot be made.
     */
    public static IpsetSession open(final String networkNamespace) throws IOException
    {
        return open(networkNamespace, true);
    }

    /**
     * @param networkNamespace a namespace file such as {@code /run/netns/NAME}, or null for the caller's namespace.
     * @param exist            true for {@code -exist} semantics.
     * @return an open session.
     * @throws IOException if the library is unavailable or the session cannot be made.
     */
    public static IpsetSession open(final String networkNamespace, final boolean exist) throws IOException
    {
        final String unavailable = unavailableReason();
        if (null != unavailable)
        {
            throw new IOException(unavailable);
        }

        return new IpsetSession(open0(networkNamespace, exist), networkNamespace);
    }

    /**
     * Run one restore script.
     *
     * @param script ipset commands without the program name, one per line ({@code add SET 192.0.2.1 timeout 60}).
     * @return exit status (0 success, 1 or 2 like the tool), output of listings, and the error text.
     * @throws IOException           if the namespace cannot be entered or left.
     * @throws IllegalStateException if the session is closed.
     */
    public CommandResult run(final String script) throws IOException
    {
        if (0 == handle)
        {
            throw new IllegalStateException("ipset session" +
                (null == networkNamespace ? "" : " in " + networkNamespace) + " is closed; open a new one");
        }
        final int status = run0(handle, script.getBytes(StandardCharsets.UTF_8));
        final String output = new String(output0(handle), StandardCharsets.UTF_8);
        final String error = new String(error0(handle), StandardCharsets.UTF_8);

        return new CommandResult(status, output, error);
    }

    public boolean isOpen()
    {
        return 0 != handle;
    }

    /**
     * Ends the libipset session and closes its socket. Idempotent.
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

    private static native String probe0(String soname);

    private static native long open0(String networkNamespace, boolean exist) throws IOException;

    private static native int run0(long handle, byte[] script) throws IOException;

    private static native byte[] output0(long handle);

    private static native byte[] error0(long handle);

    private static native void close0(long handle);
}
