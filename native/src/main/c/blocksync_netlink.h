/*
 * Netlink sockets for the JNI parts of libblocksync_nflog (NFLOG, rtnetlink, nf_tables): opening one, optionally
 * inside another network namespace, bound to a kernel-assigned port id (netlink(7)), and the IOException every
 * failure becomes.
 */
#ifndef BLOCKSYNC_NETLINK_H
#define BLOCKSYNC_NETLINK_H

#include <jni.h>

#define BLOCKSYNC_MESSAGE_LENGTH 512

/* Throws java.io.IOException(message). */
void blocksync_throw_io(JNIEnv *env, const char *message);

/* Throws java.io.IOException("WHAT: strerror(error)HINT"); hint may be NULL. */
void blocksync_throw_errno(JNIEnv *env, const char *what, int error, const char *hint);

/*
 * A NETLINK socket of the protocol (NETLINK_NETFILTER, NETLINK_ROUTE; protocol_name names it in errors), created
 * inside the network namespace at the path network_namespace names (/run/netns/NAME) or in the caller's when it is
 * NULL, and bound with nl_pid 0. Returns the descriptor, or -1 with an IOException pending.
 */
int blocksync_netlink_open(JNIEnv *env, int protocol, const char *protocol_name, jstring network_namespace);

/*
 * SO_RCVBUFFORCE (SO_RCVBUF when not root) of receive_buffer_bytes and SO_RCVTIMEO of timeout_millis on fd.
 * Returns 0, or -1 with an IOException pending and fd closed.
 */
int blocksync_netlink_receive_options(JNIEnv *env, int fd, int receive_buffer_bytes, int timeout_millis);

/* What blocksync_netlink_receive returns besides a length; must match the Java sockets' RECEIVE_OVERRUN and
 * RECEIVE_FOREIGN (NflogSocket, AddressMonitorSocket). */
#define BLOCKSYNC_RECEIVE_OVERRUN (-2)
#define BLOCKSYNC_RECEIVE_FOREIGN (-3)

/*
 * One recvfrom(2) with MSG_TRUNC on the netlink socket fd into the direct ByteBuffer buffer at offset, at most length
 * bytes. Returns the datagram's real length (longer than length when cut), 0 when nothing is there (EAGAIN, EINTR,
 * SO_RCVTIMEO), BLOCKSYNC_RECEIVE_OVERRUN when the kernel dropped messages (ENOBUFS), BLOCKSYNC_RECEIVE_FOREIGN when
 * the sender is not the kernel (nl_pid != 0: any local process may unicast to our port id), or -1 with an IOException
 * pending ("recv(WHAT): ..."; WHAT also names the socket class in the error for a heap buffer).
 */
jint blocksync_netlink_receive(JNIEnv *env, jint fd, jobject buffer, jint offset, jint length, const char *what);

#endif
