package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/CONFIG.md shows a complete file and a broken one with its exact errors; both must stay true.
 */
class DocsExamplesTest
{
    // Surefire runs in the module directory; docs live at the repository root.
    private static final Path CONFIG_MD = Path.of("../docs/CONFIG.md");

    @TempDir
    Path directory;

    /**
     * @return the fenced block that follows {@code <!-- example: NAME -->}.
     */
    private static String example(final String name) throws IOException
    {
        final String markdown = Files.readString(CONFIG_MD);
        final int marker = markdown.indexOf("<!-- example: " + name + " -->");
        assertTrue(marker >= 0, "docs/CONFIG.md lost its '" + name + "' example marker");
        final int fenceLineEnd = markdown.indexOf('\n', markdown.indexOf("```", marker));
        final int closingFence = markdown.indexOf("\n```", fenceLineEnd);

        return markdown.substring(fenceLineEnd + 1, closingFence + 1);
    }

    private Path writePrivate(final String name, final String content) throws IOException
    {
        final Path file = directory.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        return file;
    }

    @Test
    void shouldAcceptTheCompleteExample() throws Exception
    {
        writePrivate("node.key", KeyText.encode(ConfigTesting.KEY1) + "\n");
        writePrivate("peer3.pub", KeyText.encode(ConfigTesting.publicOf(ConfigTesting.KEY3)) + "\n");

        final NodeConfig config = ConfigReader.read(writePrivate("node.conf", example("complete")));

        assertEquals(1, config.nodeId());
        assertEquals("198.51.100.1:7701", EndpointText.format(config.listen()));
        assertEquals(2, config.allowList().size());
        assertEquals(List.of("web2", "node3"), List.of(config.peers().get(0).name(), config.peers().get(1).name()));
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void shouldPrintTheDocumentedErrorsForTheBadExample() throws IOException
    {
        final String bad = example("bad");
        final List<String> expected = List.of(example("bad-output").split("\n"));

        final ConfigException ex =
            assertThrows(ConfigException.class, () -> ConfigReader.parse(Path.of("node.conf"), bad));

        assertEquals(expected, ex.errors());
    }
}
