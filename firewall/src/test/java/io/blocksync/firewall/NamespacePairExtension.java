package io.blocksync.firewall;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One {@link NamespacePair} per test class, as a JUnit extension: created before the class's first test when this
 * machine can run namespace tests with the tools named (otherwise every test is skipped, saying why), deleted after
 * its last. Register it as a static field with {@code @RegisterExtension}; a test's {@code @BeforeEach} takes the
 * pair from {@link #pair()}.
 */
final class NamespacePairExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback
{
    private final String[] tools;
    private String skipReason;
    private NamespacePair pair;

    /** @param tools the programs the tests run in the namespaces besides {@code ip} and {@code socat}. */
    NamespacePairExtension(final String... tools)
    {
        this.tools = tools.clone();
    }

    public void beforeAll(final ExtensionContext context) throws Exception
    {
        skipReason = NamespacePair.unavailableReason(context.getRequiredTestClass(), tools);
        if (null == skipReason)
        {
            pair = NamespacePair.create();
        }
    }

    public void afterAll(final ExtensionContext context)
    {
        if (null != pair)
        {
            pair.close();
            pair = null;
        }
    }

    public void beforeEach(final ExtensionContext context)
    {
        assumeTrue(null == skipReason, skipReason);
    }

    /** The class's namespaces; only after {@link #beforeEach} let the test run. */
    NamespacePair pair()
    {
        return pair;
    }
}
