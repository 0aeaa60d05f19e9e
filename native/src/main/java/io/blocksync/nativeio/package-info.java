/**
 * Events from the operating system's packet filter logs, decoded without allocation, and the sources that watch
 * for them.
 * <p>
 * Bytes flow {@link io.blocksync.nativeio.PcapStreamDecoder} (reassembly across partial reads; each format's
 * framing in {@code PcapRecordReader} or {@code PcapngBlockReader}) → {@link io.blocksync.nativeio.PacketHandler}
 * → {@link io.blocksync.nativeio.PacketEventDecoder} (pflog header or NFLOG TLVs, then
 * {@link io.blocksync.nativeio.IpPacketDecoder}) → one reused {@link io.blocksync.nativeio.AttackEvent}, whose
 * {@link io.blocksync.nativeio.LoggedPacket} holds the packet's own fields.
 * {@link io.blocksync.nativeio.CaptureEventDecoder} wires the middle
 * together and counts outcomes. Nothing here throws on bad bytes: a record that does not decode becomes an event
 * with a {@link io.blocksync.nativeio.DecodeError}, and a stream whose framing is lost stops with one.
 * <p>
 * Layouts follow the systems that write them: pfloghdr of OpenBSD (100 bytes), FreeBSD 13.1+ (69) and
 * NetBSD/macOS/older FreeBSD (61), packet at the length rounded up to 4; NFLOG records of Linux
 * nfnetlink_log with TLV headers in host order and big-endian values.
 * <p>
 * Sources ({@link io.blocksync.nativeio.EventSource}) each run on a reader thread of their own and put events into
 * an {@link io.blocksync.nativeio.AttackEventRing} that the event loop drains without blocking:
 * {@link io.blocksync.nativeio.PflogFileSource} follows a pflogd file across rotation,
 * {@link io.blocksync.nativeio.PcapPipeSource} reads a capture command's output (tcpdump on pflog0 or nflog:N),
 * {@link io.blocksync.nativeio.NflogSource} reads the netlink socket through
 * {@link io.blocksync.nativeio.NflogSocket} (libblocksync_nflog, C in src/main/c, built by Maven with gcc) and
 * {@link io.blocksync.nativeio.PfTableSource} polls pf tables with pfctl. Each counts what it did in
 * {@link io.blocksync.nativeio.SourceCounters}, one stable-id {@link io.blocksync.nativeio.SourceCounter} each.
 * <p>
 * {@link io.blocksync.nativeio.ProcessCommandRunner} is the project's one way to run a tool (argv, standard input,
 * time limit, output cap), behind {@link io.blocksync.nativeio.CommandRunner} so that tests can fake the tool.
 */
package io.blocksync.nativeio;
