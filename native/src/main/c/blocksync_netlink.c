/* setns() and CLONE_NEWNET. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "blocksync_netlink.h"

#define MESSAGE_LENGTH BLOCKSYNC_MESSAGE_LENGTH

void blocksync_throw_io(JNIEnv *env, const char *message)
{
    jclass type = (*env)->FindClass(env, "java/io/IOException");
    if (NULL != type)
    {
        (*env)->ThrowNew(env, type, message);
    }
}

void blocksync_throw_errno(JNIEnv *env, const char *what, const int error, const char *hint)
{
    char message[MESSAGE_LENGTH];
    snprintf(message, sizeof(message), "%s: %s%s", what, strerror(error), NULL == hint ? "" : hint);
    blocksync_throw_io(env, message);
}

/*
 * A netlink socket belongs to the namespace it was created in, so only socket() runs inside the target; the
 * calling thread is switched back at once. Java calls this on a thread of its own that ends afterwards, so even a
 * failed switch back cannot leave a pooled thread in the wrong namespace.
 */
static int socket_in_namespace(
    JNIEnv *env, const char *namespace_path, const int protocol, const char *protocol_name)
{
    char own_path[64];
    snprintf(own_path, sizeof(own_path), "/proc/self/task/%ld/ns/net", (long)syscall(SYS_gettid));
    const int own = open(own_path, O_RDONLY | O_CLOEXEC);
    if (own < 0)
    {
        blocksync_throw_errno(env, "cannot open this thread's network namespace /proc/self/task/TID/ns/net", errno, NULL);
        return -1;
    }

    const int target = open(namespace_path, O_RDONLY | O_CLOEXEC);
    if (target < 0)
    {
        const int error = errno;
        close(own);
        char what[MESSAGE_LENGTH];
        snprintf(what, sizeof(what), "cannot open network namespace %s", namespace_path);
        blocksync_throw_errno(env, what, error, " (expected a path such as /run/netns/NAME)");
        return -1;
    }

    if (setns(target, CLONE_NEWNET) < 0)
    {
        const int error = errno;
        close(target);
        close(own);
        char what[MESSAGE_LENGTH];
        snprintf(what, sizeof(what), "cannot enter network namespace %s", namespace_path);
        blocksync_throw_errno(env, what, error, " (needs CAP_SYS_ADMIN)");
        return -1;
    }
    close(target);

    const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    const int socket_error = errno;
    if (setns(own, CLONE_NEWNET) < 0)
    {
        const int error = errno;
        close(own);
        if (fd >= 0)
        {
            close(fd);
        }
        blocksync_throw_errno(env, "cannot return to the original network namespace", error,
            " (the opening thread is left in the other namespace and must end)");
        return -1;
    }
    close(own);

    if (fd < 0)
    {
        char what[MESSAGE_LENGTH];
        snprintf(what, sizeof(what), "socket(AF_NETLINK, %s)", protocol_name);
        blocksync_throw_errno(env, what, socket_error, NULL);
    }

    return fd;
}

int blocksync_netlink_open(JNIEnv *env, const int protocol, const char *protocol_name, jstring network_namespace)
{
    int fd;
    if (NULL != network_namespace)
    {
        const char *path = (*env)->GetStringUTFChars(env, network_namespace, NULL);
        if (NULL == path)
        {
            return -1;
        }
        fd = socket_in_namespace(env, path, protocol, protocol_name);
        (*env)->ReleaseStringUTFChars(env, network_namespace, path);
        if (fd < 0)
        {
            return -1;
        }
    }
    else
    {
        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            char what[MESSAGE_LENGTH];
            snprintf(what, sizeof(what), "socket(AF_NETLINK, %s)", protocol_name);
            blocksync_throw_errno(env, what, errno, NULL);
            return -1;
        }
    }

    struct sockaddr_nl local;
    memset(&local, 0, sizeof(local));
    local.nl_family = AF_NETLINK;
    if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
    {
        char what[MESSAGE_LENGTH];
        snprintf(what, sizeof(what), "bind(AF_NETLINK, %s)", protocol_name);
        blocksync_throw_errno(env, what, errno, NULL);
        close(fd);
        return -1;
    }
    return fd;
}

int blocksync_netlink_receive_options(JNIEnv *env, const int fd, const int receive_buffer_bytes, const int timeout_millis)
{
    /* A burst must fit in the socket buffer or the kernel drops messages; FORCE passes rmem_max as root. */
    const int buffer_bytes = receive_buffer_bytes;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof(buffer_bytes)) < 0)
    {
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof(buffer_bytes));
    }

    struct timeval timeout;
    timeout.tv_sec = timeout_millis / 1000;
    timeout.tv_usec = (timeout_millis % 1000) * 1000;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) < 0)
    {
        blocksync_throw_errno(env, "setsockopt(SO_RCVTIMEO)", errno, NULL);
        close(fd);
        return -1;
    }
    return 0;
}

jint blocksync_netlink_receive(JNIEnv *env, jint fd, jobject buffer, jint offset, jint length, const char *what)
{
    unsigned char *base = (unsigned char *)(*env)->GetDirectBufferAddress(env, buffer);
    if (NULL == base)
    {
        char message[BLOCKSYNC_MESSAGE_LENGTH];
        snprintf(message, sizeof(message), "receiving from the %s needs a direct ByteBuffer", what);
        blocksync_throw_io(env, message);
        return -1;
    }

    struct sockaddr_nl from;
    socklen_t from_length = sizeof(from);
    memset(&from, 0, sizeof(from));
    /* MSG_TRUNC: the result is the datagram's real length, so Java can tell a cut message. */
    const ssize_t received = recvfrom(
        fd, base + offset, (size_t)length, MSG_TRUNC, (struct sockaddr *)&from, &from_length);
    if (received < 0)
    {
        switch (errno)
        {
            case EAGAIN:
#if EWOULDBLOCK != EAGAIN
            case EWOULDBLOCK:
#endif
            case EINTR:
                return 0;
            case ENOBUFS:
                return BLOCKSYNC_RECEIVE_OVERRUN;
            default:
            {
                char call[BLOCKSYNC_MESSAGE_LENGTH];
                snprintf(call, sizeof(call), "recv(%s)", what);
                blocksync_throw_errno(env, call, errno, NULL);
                return -1;
            }
        }
    }

    /* Any local process may unicast to our port id; only the kernel's messages count. */
    if (0 != from.nl_pid)
    {
        return BLOCKSYNC_RECEIVE_FOREIGN;
    }
    return (jint)received;
}
