package io.blocksync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The config file of one node of {@link EndToEndLatencyRun}: itself, its one peer, its firewall backend and any
 * extra sections (source and rule). Fast protocol timers so the run does not wait on heartbeats.
 */
final class EndToEndConfig
{
    private int id;
    private String address;
    private String key;
    private int peerId;
    private String peerAddress;
    private String peerKey;
    private String backend = "log";
    private String flushDelay = "0";
    private String extra = "";

    /**
     * @param id      the node id.
     * @param address its listen address (port 7701).
     * @param key     its key, e.g. {@code base64:...}.
     * @return this.
     */
    EndToEndConfig node(final int id, final String address, final String key)
    {
        this.id = id;
        this.address = address;
        this.key = key;
        return this;
    }

    /**
     * @param id      the peer's node id.
     * @param address the peer's address (port 7701).
     * @param key     the peer's private key ({@code base64:...}); its public key is what the config holds.
     * @return this.
     */
    EndToEndConfig peer(final int id, final String address, final String key)
    {
        this.peerId = id;
        this.peerAddress = address;
        this.peerKey = io.blocksync.daemon.config.KeyText.encode(io.blocksync.daemon.config.KeyText.privateKey(
            1, io.blocksync.daemon.config.KeyText.decode(key)).publicKey());
        return this;
    }

    /**
     * @param backend    {@code [firewall] backend}, e.g. {@code "nftables"}.
     * @param flushDelay {@code [firewall] flush-delay}, e.g. {@code "20ms"}.
     * @return this.
     */
    EndToEndConfig firewall(final String backend, final String flushDelay)
    {
        this.backend = backend;
        this.flushDelay = flushDelay;
        return this;
    }

    /**
     * @param sections config text appended at the end, e.g. a source and a rule.
     * @return this.
     */
    EndToEndConfig extra(final String sections)
    {
        this.extra = sections;
        return this;
    }

    /**
     * @param file where to write; its name without {@code .conf} is the state directory, beside it.
     * @return the file, readable by its owner only (it holds keys).
     * @throws IOException if it cannot be written.
     */
    Path write(final Path file) throws IOException
    {
        final String name = file.getFileName().toString();
        Files.writeString(file, "[node]\nid = " + id + "\nlisten = " + address + ":7701\nstate-dir = " +
            name.replace(".conf", "") + "\nkey = " + key + "\n\n[firewall]\nbackend = " + backend + "\nflush-delay = " +
            flushDelay + "\n\n[protocol]\nheartbeat-interval = 200ms\nretransmit-initial = 50ms\npeer-suspect-after = 1s\n" +
            "peer-down-after = 3s\n\n[peer " + peerId + "]\naddress = " + peerAddress + ":7701\nkey = " + peerKey + "\n\n" + extra);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
