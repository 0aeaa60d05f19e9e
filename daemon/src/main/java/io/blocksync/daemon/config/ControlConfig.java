package io.blocksync.daemon.config;

import io.blocksync.codec.PeerKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The few settings of a node's config file the CLI's control-socket commands use ({@code bans}, {@code status},
 * {@code peers}, {@code ban}, {@code unban} while the node runs): {@code [node] id} and {@code state-dir},
 * {@code [bans] max-duration}, {@code [firewall] backend}, each {@code [peer ID]}'s name and address. Reads no key
 * (a key file is only checked to be readable), so no Ed25519 derivation and no BouncyCastle: what makes
 * {@link ConfigReader#read} cost about a third of a second on a small JVM (PERFORMANCE.md, "Issue 12: CLI cost").
 * <p>
 * It validates nothing else, so it is only trusted for a file the running node already validated: its
 * {@link Reading#newestModifiedMillis()} (the file and its key files) must be older than the node's start
 * (the caller checks against the status file). Anything it does not fully understand (a syntax error, a missing or
 * repeated key, a section twice, an unreadable file) makes it return null, and the caller reads the config the
 * full way, which reports the problem as always.
 */
public final class ControlConfig
{
    private static final long MAX_FILE_BYTES = 1 << 20;
    private static final PeerKey[] NO_KEYS = new PeerKey[0];

    /**
     * @param config               a {@link NodeConfig} holding the settings above and defaults elsewhere, no keys.
     * @param newestModifiedMillis the latest change time (ctime) of the file and its key files, Unix ms.
     */
    public record Reading(NodeConfig config, long newestModifiedMillis)
    {
    }

    private final Path baseDirectory;
    private final NodeConfig.Builder builder;
    private final Set<String> singles = new HashSet<>();
    private final Set<Integer> peerIds = new HashSet<>();
    private long newestModifiedMillis;

    private ControlConfig(final Path source)
    {
        baseDirectory = source.toAbsolutePath().getParent();
        builder = new NodeConfig.Builder(source);
        builder.keys = List.of();
    }

    /**
     * @return the settings, or null when the file is not one this reader fully understands (see the class comment).
     */
    public static Reading read(final Path file)
    {
        try
        {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE_BYTES || null != StrictModes.problem(file))
            {
                return null;
            }
            final String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                .toString();
            final Diagnostics diagnostics = new Diagnostics(file.toString());
            final ConfigFile parsed = ConfigFile.parse(text, diagnostics);
            if (diagnostics.hasErrors())
            {
                return null;
            }
            final ControlConfig reader = new ControlConfig(file);
            reader.newestModifiedMillis = changedMillis(file);
            for (final ConfigSection section : parsed.sections())
            {
                if (!reader.take(section))
                {
                    return null;
                }
            }
            final NodeConfig.Builder builder = reader.builder;
            return 0 == builder.nodeId || null == builder.stateDir ? null :
                new Reading(new NodeConfig(builder, List.of()), reader.newestModifiedMillis);
        }
        catch (final IOException | RuntimeException ex)
        {
            // CharacterCodingException, a value that does not parse: the full reader says what is wrong.
            return null;
        }
    }

    /** @return false for anything not understood. */
    private boolean take(final ConfigSection section) throws IOException
    {
        final String name = section.name();
        if (PeerSection.NAME.equals(name))
        {
            return takePeer(section);
        }
        switch (name)
        {
            case NodeSection.NAME ->
            {
                if (!isFirst(section))
                {
                    return false;
                }
                final String id = single(section, "id");
                final String stateDir = single(section, "state-dir");
                if (null == id || null == stateDir)
                {
                    return false;
                }
                builder.nodeId = Values.integer(1, Integer.MAX_VALUE).parse(id);
                builder.stateDir = Values.path(baseDirectory).parse(stateDir);
                return keyFilesReadable(section);
            }
            case BansSection.NAME ->
            {
                final String max = single(section, "max-duration");
                if (!isFirst(section))
                {
                    return false;
                }
                builder.maxBanSeconds = null == max ? builder.maxBanSeconds : Values.banSeconds().parse(max);
                return true;
            }
            case FirewallSection.NAME ->
            {
                final String backend = single(section, "backend");
                if (!isFirst(section))
                {
                    return false;
                }
                builder.firewallBackend = null == backend ? builder.firewallBackend : backend;
                return FirewallConfig.BACKENDS.contains(builder.firewallBackend);
            }
            default ->
            {
                // Sections the commands do not use: the node checked them when it started.
                return true;
            }
        }
    }

    private boolean isFirst(final ConfigSection section)
    {
        return null == section.argument() && singles.add(section.name());
    }

    private boolean takePeer(final ConfigSection section) throws IOException
    {
        if (null == section.argument())
        {
            return false;
        }
        final int peerId = Values.integer(1, Integer.MAX_VALUE).parse(section.argument());
        final String name = single(section, "name");
        final String address = single(section, "address");
        if (!peerIds.add(peerId) || null == address)
        {
            return false;
        }
        builder.peers.add(new PeerConfig(peerId, null == name ? "node" + peerId : Values.name().parse(name),
            EndpointText.parse(address), NO_KEYS));
        return keyFilesReadable(section);
    }

    /**
     * @return the entry's value, null when absent.
     * @throws IllegalArgumentException when the key is given twice.
     */
    private static String single(final ConfigSection section, final String key)
    {
        String value = null;
        for (final ConfigEntry entry : section.entries())
        {
            if (key.equals(entry.key()))
            {
                if (null != value)
                {
                    throw new IllegalArgumentException(key + " twice");
                }
                value = entry.value();
            }
        }
        return value;
    }

    /**
     * When the file last changed: its status change time (ctime: content, permissions, owner, a rename onto it), which
     * no copy that keeps modification times ({@code cp -p}, {@code rsync -a}) and no {@code touch} can set back; the
     * modification time where the file system has no ctime.
     */
    private static long changedMillis(final Path file) throws IOException
    {
        try
        {
            return ((java.nio.file.attribute.FileTime)Files.getAttribute(file, "unix:ctime")).toMillis();
        }
        catch (final UnsupportedOperationException | IllegalArgumentException ex)
        {
            return Files.getLastModifiedTime(file).toMillis();
        }
    }

    /**
     * The key files the full reader would read must be readable by this user and pass its permission check (a key
     * file made group-writable after the node started is refused there: fall back so the same error is printed;
     * review 8 finding 3), and count for the change time.
     */
    private boolean keyFilesReadable(final ConfigSection section) throws IOException
    {
        for (final ConfigEntry entry : section.entries())
        {
            if (KeySetting.KEY_FILE.equals(entry.key()) || KeySetting.NEXT_KEY_FILE.equals(entry.key()))
            {
                final Path path = Values.path(baseDirectory).parse(entry.value());
                if (!Files.isReadable(path) || null != StrictModes.problem(path))
                {
                    return false;
                }
                newestModifiedMillis = Math.max(newestModifiedMillis, changedMillis(path));
            }
        }
        return true;
    }
}
