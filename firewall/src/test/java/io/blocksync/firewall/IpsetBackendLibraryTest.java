package io.blocksync.firewall;

/**
 * Every {@link IpsetBackendTest} on the library session ({@code kernel-session = library}); skipped with the reason where
 * the library or the JNI library is missing.
 */
class IpsetBackendLibraryTest extends IpsetBackendTest
{
    IpsetBackendLibraryTest()
    {
        mode = KernelSessionMode.LIBRARY;
    }
}
