package io.blocksync.nativeio;

import java.util.function.Function;

/**
 * Whether a system library behind a kernel session ({@link NftablesSession}, {@link IpsetSession}) can be used: the
 * JNI library must load first, then it dlopens the system library once per JVM.
 */
final class KernelLibrary
{
    private KernelLibrary()
    {
    }

    /**
     * @param what   e.g. {@code libnftables}, for the message.
     * @param soname the file name dlopen looks up, e.g. {@code libnftables.so.1}.
     * @param probe  the native probe: null if loaded, else the reason.
     * @return null if usable, else one line saying why not.
     */
    static String unavailableReason(final String what, final String soname, final Function<String, String> probe)
    {
        if (!NativeLibrary.load())
        {
            return what + " session unavailable: the JNI library lib" + NativeLibrary.LIBRARY_NAME +
                ".so did not load (" + NativeLibrary.failure() + ")";
        }
        final String failure = probe.apply(soname);

        return null == failure ? null : what + " session unavailable: " + failure;
    }
}
