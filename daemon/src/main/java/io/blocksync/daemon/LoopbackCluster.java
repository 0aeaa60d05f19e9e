package io.blocksync.daemon;

import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.config.KeyText;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes config files for N nodes on 127.0.0.1, each peered with all the others, with a fresh key pair per node
 * (its private key in its own [node] section, its public key in the others' [peer] sections), free UDP ports
 * and a state directory each under one base directory. Used by {@code blocksync demo}, the multi-process tests and
 * the propagation benchmark.
 */
public final class LoopbackCluster
{
    private final Path baseDir;
    private final List<Path> configFiles = new ArrayList<>();

    private LoopbackCluster(final Path baseDir)
    {
        this.baseDir = baseDir;
    }

    /**
     * @param extraSettings lines appended to every config's sections, keyed by section header, e.g.
     *                      {@code "[protocol]\nretransmit-initial = 50ms\n"}; may be empty.
     */
    public static LoopbackCluster write(final Path baseDir, final int nodes, final String extraSettings) throws IOException
    {
        final LoopbackCluster cluster = new LoopbackCluster(baseDir);
        Files.createDirectories(baseDir);
        final SecureRandom random = new SecureRandom();
        final String[] privateKeys = new String[nodes];
        final String[] publicKeys = new String[nodes];
        final int[] ports = freeUdpPorts(nodes);
        for (int i = 0; i < nodes; i++)
        {
            final byte[] seed = NodeKey.generateSeed(random);
            privateKeys[i] = KeyText.encode(seed);
            publicKeys[i] = KeyText.encode(NodeKey.fromSeed(1, seed).publicKey());
        }

        for (int i = 0; i < nodes; i++)
        {
            final int id = i + 1;
            final StringBuilder text = new StringBuilder()
                .append("# node ").append(id).append(" of a ").append(nodes).append("-node loopback cluster\n")
                .append("[node]\n")
                .append("id = ").append(id).append('\n')
                .append("listen = 127.0.0.1:").append(ports[i]).append('\n')
                .append("state-dir = node").append(id).append('\n')
                .append("key = ").append(privateKeys[i]).append("\n\n")
                .append(extraSettings).append('\n');
            for (int j = 0; j < nodes; j++)
            {
                if (j != i)
                {
                    text.append("[peer ").append(j + 1).append("]\n")
                        .append("address = 127.0.0.1:").append(ports[j]).append('\n')
                        .append("key = ").append(publicKeys[j]).append("\n\n");
                }
            }
            final Path file = baseDir.resolve("node" + id + ".conf");
            Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            cluster.configFiles.add(file);
        }
        return cluster;
    }

    public Path baseDir()
    {
        return baseDir;
    }

    public List<Path> configFiles()
    {
        return configFiles;
    }

    public Path configFile(final int nodeId)
    {
        return configFiles.get(nodeId - 1);
    }

    public Path stateDir(final int nodeId)
    {
        return baseDir.resolve("node" + nodeId);
    }

    /** Ports the kernel hands out now; another process could take one before we bind, which start-up reports. */
    private static int[] freeUdpPorts(final int count) throws IOException
    {
        final DatagramSocket[] sockets = new DatagramSocket[count];
        final int[] ports = new int[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                sockets[i] = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = sockets[i].getLocalPort();
            }
        }
        finally
        {
            for (final DatagramSocket socket : sockets)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
        return ports;
    }
}
