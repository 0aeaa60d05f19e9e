# A stand-in for systemd's notification socket (sd_notify(3)): binds the AF_UNIX datagram socket PATH, writes each
# message to OUT, closes file descriptors passed along (which is what completes systemd-notify's barrier), and exits
# 0 after a BARRIER=1 message that followed a READY=1, or 1 after TIMEOUT seconds.
import array
import os
import socket
import sys

path, out, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
sock.settimeout(timeout)
ready = False
with open(out, "w") as log:
    while True:
        try:
            data, ancillary, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(64))
        except socket.timeout:
            sys.exit(1)
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds = array.array("i")
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
                for fd in fds:
                    os.close(fd)
        text = data.decode("utf-8", "replace")
        log.write(text.rstrip("\n") + "\n")
        log.flush()
        ready = ready or "READY=1" in text.split("\n")
        if ready and "BARRIER=1" in text.split("\n"):
            sys.exit(0)
