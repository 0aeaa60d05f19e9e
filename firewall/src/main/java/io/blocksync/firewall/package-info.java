/**
 * Applies ban decisions to the local packet filter, off the event loop.
 * <p>
 * The daemon's loop hands each {@link io.blocksync.codec.Ban} to the {@link io.blocksync.firewall.Firewall}; the
 * {@link io.blocksync.firewall.BatchingFirewall} puts it, as a {@link io.blocksync.firewall.FirewallChange} holding a
 * copy of that ban, into a {@link io.blocksync.firewall.FirewallBatcher}, which batches changes on its own thread
 * into one transaction per batch of a {@link io.blocksync.firewall.FirewallBackend}: nftables, ipset with iptables,
 * pf, a blocklistd-style control program, an sshguard firewall backend, or a dry-run log. Addresses reach tools only
 * as canonical text of validated {@link io.blocksync.codec.IpPrefix} values, and tools are started with argument
 * arrays, never through a shell.
 */
package io.blocksync.firewall;
