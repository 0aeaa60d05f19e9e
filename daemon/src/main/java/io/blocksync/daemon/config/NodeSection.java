package io.blocksync.daemon.config;

import io.blocksync.codec.NodeKey;

import java.nio.file.Path;

/**
 * [node]: who this node is, where it listens, where it keeps state, and its private key (and next one).
 */
final class NodeSection
{
    static final String NAME = "node";
    static final String STATE_SYNC_ALWAYS = "always";
    static final String STATE_SYNC_NEVER = "never";

    private NodeSection()
    {
    }

    static void bind(final SectionReader reader, final Path baseDirectory, final NodeConfig.Builder config)
    {
        final Integer id = reader.required("id", Values.integer(1, Integer.MAX_VALUE));
        config.nodeId = null == id ? 0 : id;
        config.listen = reader.required("listen", Values.endpoint());
        config.stateDir = reader.required("state-dir", Values.path(baseDirectory));
        config.stateSync = reader.value("state-sync", Values.oneOf(STATE_SYNC_ALWAYS, STATE_SYNC_NEVER), STATE_SYNC_ALWAYS)
            .equals(STATE_SYNC_ALWAYS);
        config.signerThreads = reader.value("signer-threads", Values.integer(1, NodeConfig.MAX_SIGNER_THREADS), 0);
        config.keys = KeySetting.bind(reader, baseDirectory, true, KeyText::privateKey);
        reader.finish();
    }
}
