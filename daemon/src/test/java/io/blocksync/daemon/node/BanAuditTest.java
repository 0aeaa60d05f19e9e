package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.status.EventLog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The audit line names the duration this node holds: a peer's permanent ban that this node's max-duration = 30d
 * ends after 30 days reads "30d" here, not the origin's "permanent" (issue 14 newcomer finding 4).
 */
class BanAuditTest
{
    private static final long NOW = 1_000_000L;
    private static final long DAY_MILLIS = 86_400_000L;

    @Test
    void theLineSaysWhatThisNodeHoldsNotWhatTheOriginAsked()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final EventLog log = new EventLog(out);
        final BanAudit audit = new BanAudit(log);
        audit.name(1, "node1");

        // A peer's record keeps its signed duration (0: permanent); the table's expiry is this node's bound.
        audit.ban(ban("192.0.2.63", "recidive", 0, NOW + 30 * DAY_MILLIS));
        audit.ban(ban("192.0.2.64", "recidive", 0, Ban.PERMANENT));
        audit.ban(ban("192.0.2.65", "sshd", 7 * 86_400, NOW + 3 * DAY_MILLIS + 3_600_000));
        audit.ban(ban("192.0.2.60", "nginx-http-auth", 3_600, NOW + 3_600_000).hitCount(3));
        log.close();

        assertEquals(String.join("\n",
            "ban 192.0.2.63 reason recidive 30d origin node1",
            "ban 192.0.2.64 reason recidive permanent origin node1",
            "ban 192.0.2.65 reason sshd 3d1h origin node1",
            "ban 192.0.2.60 reason nginx-http-auth 1h origin node1 (3 hits)", ""),
            out.toString(StandardCharsets.UTF_8).replaceAll("(?m)^\\S+Z ", ""));
    }

    private static Ban ban(final String address, final String reason, final long durationSeconds, final long expiresAt)
    {
        final IpPrefix prefix = new IpPrefix();
        AddressText.parse(address, prefix, 32, 64);
        return new Ban().prefix(prefix).action(BanAction.BAN).originNodeId(1).originSequence(1).originTimeMillis(NOW)
            .durationSeconds(durationSeconds).reason(ReasonCode.of(reason)).appliedAtMillis(NOW)
            .expiresAtMillis(expiresAt);
    }
}
