package io.blocksync.daemon.config;

import io.blocksync.codec.SenderKeys;

import java.nio.file.Path;

/**
 * [node]: who this node is, where it listens, where it keeps state and the key it signs with.
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
        config.keyId = reader.value("key-id", Values.integer(0, SenderKeys.MAX_KEY_ID), NodeConfig.DEFAULT_KEY_ID);
        config.key = KeySetting.bind(reader, baseDirectory);
        reader.finish();
    }
}
