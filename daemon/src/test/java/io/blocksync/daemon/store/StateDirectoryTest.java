package io.blocksync.daemon.store;

import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The state directory is the daemon's alone: made 0700, and an existing one that is looser, owned by another user,
 * or below a directory others can write is refused before anything is written into it.
 */
class StateDirectoryTest
{
    @TempDir
    Path temp;

    private static String refusal(final Path stateDir)
    {
        return assertThrows(IOException.class, () -> StateDirectory.own(stateDir)).getMessage();
    }

    @Test
    void shouldMakeAMissingStateDirOwnerOnly() throws IOException
    {
        final Path stateDir = temp.resolve("var/lib/blocksync");
        StateDirectory.own(stateDir).close();

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir)));
    }

    @Test
    void shouldRefuseAnExistingStateDirThatOthersCanRead() throws IOException
    {
        final Path stateDir = Files.createDirectory(temp.resolve("state"));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertEquals("state directory " + stateDir + " is open to group or others (rwxr-xr-x); the state in it is " +
            "the daemon's alone: chmod 700 it", refusal(stateDir));
        assertFalse(Files.exists(stateDir.resolve(StateDirectory.OPEN_MARKER_FILE_NAME)));
    }

    @Test
    void shouldRefuseAStateDirBelowAGroupWritableDirectory() throws IOException
    {
        final Path lib = Files.createDirectory(temp.resolve("lib"));
        Files.setPosixFilePermissions(lib, PosixFilePermissions.fromString("rwxrwxr-x"));
        final Path stateDir = lib.resolve("blocksync");

        assertEquals("state directory " + stateDir + ": refused: directory " + lib +
            " is group-writable (mode 0775); chmod go-w " + lib, refusal(stateDir));
        assertFalse(Files.exists(stateDir.resolve(StateDirectory.OPEN_MARKER_FILE_NAME)));
    }

    @Test
    void shouldRefuseAStateDirOwnedByAnotherUser() throws IOException
    {
        assumeTrue(Tools.isRoot(), "giving a directory to another user takes root");
        final Path stateDir = Files.createDirectory(temp.resolve("state"));
        Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(
            stateDir, stateDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));

        assertEquals("state directory " + stateDir + ": refused: " + stateDir + " is owned by nobody (uid 65534), " +
            "not by root; chown root " + stateDir, refusal(stateDir));
    }
}
