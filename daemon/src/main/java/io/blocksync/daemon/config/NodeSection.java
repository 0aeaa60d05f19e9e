package io.blocksync.daemon.config;

import io.blocksync.codec.NodeKey;

import java.nio.file.Path;

/**
 * [node]: who this node is, where it listens, where it keeps state, and its private key (and next one).
 */
final class NodeSection
{
    static final String NAME = "node";

    private NodeSection()
    {
    }

    static void bind(final SectionReader reader, final Path baseDirectory, final NodeConfig.Builder config)
    {
        final Integer id = reader.required("id", Values.integer(1, Integer.MAX_VALUE));
        config.nodeId = null == id ? 0 : id;
        config.listen = reader.required("listen", Values.endpoint());
        config.stateDir = reader.required("state-dir", Values.path(baseDirectory));
        config.keys = KeySetting.bind(reader, baseDirectory, true, KeyText::privateKey);
        reader.finish();
    }
}
