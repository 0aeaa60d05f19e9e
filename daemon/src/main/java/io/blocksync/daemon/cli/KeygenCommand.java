package io.blocksync.daemon.cli;

import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.config.KeyText;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

@Command(name = "keygen", description = {
    "Make a new private key (32 random bytes), printed as base64:... for [node] key = in a config.",
    "With --out FILE, write it to FILE for [node] key-file = and print its public key, the line for the " +
        "[peer] key = of this node on every other node.",
    "With --public FILE, print the public key of an existing private key file."})
final class KeygenCommand implements Callable<Integer>
{
    private static final int MAX_STDIN_BYTES = 4096;

    /** --out and --public are two different jobs: blocksync.8 gives them as alternatives, picocli refuses both. */
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Job job = new Job();

    static final class Job
    {
        @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "Write the private key to FILE (mode 0600, refuses to overwrite) and print its public key.")
        Path out;

        @Option(names = "--public", paramLabel = "FILE", required = true,
            description = "Print the public key of the private key in FILE ('-' reads it from standard input).")
        String publicOf;
    }

    public Integer call() throws Exception
    {
        final Path out = job.out;
        if (null != job.publicOf)
        {
            return printPublic();
        }

        final byte[] seed = NodeKey.generateSeed(SecureRandom.getInstanceStrong());
        final String text = KeyText.encode(seed);
        if (null == out)
        {
            System.out.println(text);
            return BlockSyncCli.EXIT_OK;
        }

        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        {
            System.err.println("blocksync keygen: " + out + " exists; not overwriting a key");
            return BlockSyncCli.EXIT_FAILED;
        }
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(out, (text + "\n").getBytes(StandardCharsets.US_ASCII));
        System.err.println("wrote the private key to " + out + "; its public key, for the other nodes' [peer] key =:");
        System.out.println(KeyText.encode(NodeKey.fromSeed(0, seed).publicKey()));
        return BlockSyncCli.EXIT_OK;
    }

    private int printPublic() throws IOException
    {
        final String publicOf = job.publicOf;
        final String where = "-".equals(publicOf) ? "standard input" : publicOf;
        final NodeKey key;
        try
        {
            final String text = "-".equals(publicOf) ? readStdin() : KeyText.readFile(Path.of(publicOf));
            key = KeyText.privateKey(0, KeyText.decode(text));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("blocksync keygen: " + where + ": " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }

        System.out.println(KeyText.encode(key.publicKey()));
        return BlockSyncCli.EXIT_OK;
    }

    private static String readStdin() throws IOException
    {
        final InputStream in = System.in;
        final byte[] bytes = in.readNBytes(MAX_STDIN_BYTES + 1);
        if (bytes.length > MAX_STDIN_BYTES)
        {
            throw new IllegalArgumentException("more than " + MAX_STDIN_BYTES + " bytes; expected one line of base64");
        }
        return new String(bytes, StandardCharsets.US_ASCII).strip();
    }
}
