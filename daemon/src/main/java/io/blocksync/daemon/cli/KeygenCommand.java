package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.KeyText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

@Command(name = "keygen", description = "Make a new 32-byte random key, printed as base64:... for `key =` in a config.")
final class KeygenCommand implements Callable<Integer>
{
    @Option(names = "--out", paramLabel = "FILE", description = "Write it to FILE (mode 0600, refuses to overwrite) for `key-file =`.")
    Path out;

    public Integer call() throws Exception
    {
        final byte[] key = new byte[32];
        SecureRandom.getInstanceStrong().nextBytes(key);
        final String text = KeyText.encode(key);
        if (null == out)
        {
            System.out.println(text);
            return BlockSyncCli.EXIT_OK;
        }

        if (Files.exists(out))
        {
            System.err.println("blocksync keygen: " + out + " exists; not overwriting a key");
            return BlockSyncCli.EXIT_FAILED;
        }
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(out, (text + "\n").getBytes(StandardCharsets.US_ASCII));
        System.out.println("wrote " + out);
        return BlockSyncCli.EXIT_OK;
    }
}
