package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.daemon.control.Json;
import io.blocksync.daemon.control.Protocols;
import io.blocksync.nativeio.AttackEvent;
import io.blocksync.nativeio.CaptureEventDecoder;
import io.blocksync.nativeio.CaptureFileReader;
import io.blocksync.nativeio.LinkType;
import io.blocksync.nativeio.LoggedPacket;
import io.blocksync.nativeio.PflogHeaderFlyweight;
import io.blocksync.daemon.config.FileProblems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "events", description = "Decode a capture file (pcap or pcapng; pflog or NFLOG) and print one line per " +
    "event, to check what a detector rule will see. A malformed or truncated record is reported and skipped.")
final class EventsCommand implements Callable<Integer>
{
    @Option(names = "--pcap", required = true, paramLabel = "FILE", description = "The capture, e.g. /var/log/pflog or tcpdump -w output.")
    Path pcap;

    @Option(names = "--json", description = "One JSON object per line with keys time, ifname, action, rule, group, prefix, " +
        "proto, src, sport, dst, dport (null where the link type has no such field); a bad record gives {\"error\": ...}.")
    boolean json;

    private final StringBuilder line = new StringBuilder(256);
    private final StringBuilder scratch = new StringBuilder(64);

    public Integer call()
    {
        try
        {
            FileProblems.checkReadable(pcap);
        }
        catch (final IOException ex)
        {
            System.err.println("blocksync events: " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }

        final CaptureEventDecoder decoder = new CaptureEventDecoder(this::print);
        try
        {
            new CaptureFileReader(decoder).read(pcap);
        }
        catch (final IOException ex)
        {
            System.err.println("blocksync events: " + FileProblems.describe(pcap, ex));
            return BlockSyncCli.EXIT_FAILED;
        }
        System.out.flush();
        // The file named: a capture that stopped (not a pcap, cut short) is told on this line too.
        System.err.println(pcap + ": " + decoder.okCount() + " events, " + decoder.malformedCount() + " malformed, " +
            decoder.truncatedCount() + " truncated, " + decoder.unsupportedCount() + " unsupported link type" +
            (decoder.captureErrorCount() > 0 ? ", capture stopped by an error" : ""));
        return decoder.captureErrorCount() > 0 ? BlockSyncCli.EXIT_FAILED : BlockSyncCli.EXIT_OK;
    }

    private void print(final AttackEvent event)
    {
        line.setLength(0);
        if (json)
        {
            appendJson(event);
        }
        else
        {
            appendText(event);
        }
        System.out.println(line);
    }

    private void appendJson(final AttackEvent event)
    {
        if (!event.isOk())
        {
            scratch.setLength(0);
            event.appendError(scratch);
            line.append("{\"error\":").append(Json.string(scratch.toString()))
                .append(",\"record\":").append(event.recordIndex()).append('}');
            return;
        }

        final LoggedPacket packet = event.packet();
        line.append("{\"time\":").append(Json.string(time(event)));
        line.append(",\"ifname\":").append(event.ifname().length() > 0 ? Json.string(text(event, true)) : "null");
        line.append(",\"action\":").append(Json.string(action(event)));
        line.append(",\"rule\":").append(event.ruleNumber() == AttackEvent.NONE ? "null" : Long.toString(event.ruleNumber()));
        line.append(",\"group\":").append(event.group() == AttackEvent.NONE ? "null" : Integer.toString(event.group()));
        line.append(",\"prefix\":").append(event.logPrefix().length() > 0 ? Json.string(text(event, false)) : "null");
        line.append(",\"proto\":").append(packet.protocol() == AttackEvent.NONE ? "null" : Json.string(Protocols.name(packet.protocol())));
        line.append(",\"src\":").append(packet.hasAddresses() ? Json.string(AddressText.format(packet.source())) : "null");
        line.append(",\"sport\":").append(port(packet.sourcePort()));
        line.append(",\"dst\":").append(packet.hasAddresses() ? Json.string(AddressText.format(packet.destination())) : "null");
        line.append(",\"dport\":").append(port(packet.destinationPort()));
        line.append('}');
    }

    private void appendText(final AttackEvent event)
    {
        if (!event.isOk())
        {
            line.append("error: ");
            event.appendError(line);
            return;
        }

        final LoggedPacket packet = event.packet();
        line.append(time(event));
        if (event.ifname().length() > 0)
        {
            line.append(' ').append(text(event, true));
        }
        final String action = action(event);
        if (null != action)
        {
            line.append(' ').append(action);
        }
        if (event.ruleNumber() != AttackEvent.NONE)
        {
            line.append(" rule ").append(event.ruleNumber());
        }
        if (event.group() != AttackEvent.NONE)
        {
            line.append(" group ").append(event.group());
        }
        if (event.logPrefix().length() > 0)
        {
            line.append(" prefix \"").append(text(event, false)).append('"');
        }
        if (packet.hasAddresses())
        {
            line.append(' ').append(packet.protocol() == AttackEvent.NONE ? "ip" : Protocols.name(packet.protocol()))
                .append(' ').append(AddressText.format(packet.source()));
            if (packet.sourcePort() != AttackEvent.NONE)
            {
                line.append(" port ").append(packet.sourcePort());
            }
            line.append(" > ").append(AddressText.format(packet.destination()));
            if (packet.destinationPort() != AttackEvent.NONE)
            {
                line.append(" port ").append(packet.destinationPort());
            }
        }
    }

    private static String time(final AttackEvent event)
    {
        final long nanos = event.timeNanos();
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    private static String action(final AttackEvent event)
    {
        return event.linkType() == LinkType.PFLOG && event.action() != AttackEvent.NONE ?
            PflogHeaderFlyweight.actionName(event.action()) : null;
    }

    private String text(final AttackEvent event, final boolean ifname)
    {
        scratch.setLength(0);
        if (ifname)
        {
            event.ifname().appendTo(scratch);
        }
        else
        {
            event.logPrefix().appendTo(scratch);
        }
        return scratch.toString();
    }

    private static String port(final int port)
    {
        return port == AttackEvent.NONE ? "null" : Integer.toString(port);
    }
}
