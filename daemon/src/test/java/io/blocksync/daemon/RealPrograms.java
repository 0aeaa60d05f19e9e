package io.blocksync.daemon;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 14's integrations run against the real programs (fail2ban, sshguard, crowdsec) in CI: a developer's machine
 * without one skips the test, saying how to install it, but under {@code CI=true} (what .ci/run is run with, and
 * where it installs them) a missing program fails the build, so a broken install cannot pass as skipped tests.
 */
final class RealPrograms
{
    private RealPrograms()
    {
    }

    static void require(final boolean present, final String whatIsMissing)
    {
        if (present)
        {
            return;
        }
        if ("true".equals(System.getenv("CI")))
        {
            fail(whatIsMissing + ", but CI=true: .ci/run installs it, so the integration must run");
        }
        Assumptions.abort("skipped: " + whatIsMissing);
    }
}
