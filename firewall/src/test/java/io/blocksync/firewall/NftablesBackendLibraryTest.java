package io.blocksync.firewall;

/**
 * Every {@link NftablesBackendTest} on the library session ({@code kernel-session = library}); skipped with the reason where
 * the library or the JNI library is missing.
 */
class NftablesBackendLibraryTest extends NftablesBackendTest
{
    NftablesBackendLibraryTest()
    {
        mode = KernelSessionMode.LIBRARY;
    }
}
