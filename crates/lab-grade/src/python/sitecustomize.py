# lab-grade's startup module. The grader puts this folder first on PYTHONPATH,
# so Python imports it before the student's program, unchanged, runs. It keeps
# everything on this machine and on the grader's ports:
# - a server's bind(), TCP or UDP, whatever address and port the program wrote
#   (a LAN IP, gethostname(), 8080), is moved to 127.0.0.1 (::1 for IPv6) and
#   the port the grader chose for this run (LAB_GRADE_PORT), so every stage can
#   run at once, each on a port of its own;
# - a client's connect() or sendto() to the lesson's port (LAB_GRADE_LESSON_PORT),
#   on any host, or to any host off this machine, goes to the grader's own
#   server on 127.0.0.1:LAB_GRADE_PORT;
# - a server's connection to an address off this machine is refused, with one
#   line on standard error that says so.
import os
import socket
import sys


def _int(name):
    try:
        return int(os.environ.get(name, "0"))
    except ValueError:
        return 0


_PORT = _int("LAB_GRADE_PORT")
_LESSON = _int("LAB_GRADE_LESSON_PORT")
_SERVER = os.environ.get("LAB_GRADE_ROLE", "server") == "server"
_IP = (socket.AF_INET, socket.AF_INET6)


def _on_this_machine(host):
    import ipaddress

    if host in ("", "localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
        return ip.is_loopback or ip.is_unspecified
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(found) and all(
        ipaddress.ip_address(f[4][0].split("%")[0]).is_loopback for f in found
    )


def _loopback(family):
    return "::1" if family == socket.AF_INET6 else "127.0.0.1"


def _redirect(sock, address):
    """Where a connection (or datagram) to `address` really goes."""
    if sock.family not in _IP or not isinstance(address, tuple) or len(address) < 2:
        return address
    host, port = address[0], address[1]
    if not _SERVER and _PORT and (port == _LESSON or not _on_this_machine(host)):
        host = "::ffff:127.0.0.1" if sock.family == socket.AF_INET6 else "127.0.0.1"
        return (host, _PORT) + tuple(address[2:])
    if not _on_this_machine(host):
        print(
            f"lab-grade: refused a connection to {host}:{port}: while grading, "
            "a program may only reach this machine (127.0.0.1)",
            file=sys.stderr,
            flush=True,
        )
        raise ConnectionRefusedError(111, f"lab-grade: {host}:{port} is off this machine")
    return address


_bind = socket.socket.bind
_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_sendto = socket.socket.sendto


def bind(self, address):
    if _SERVER and _PORT and self.family in _IP and isinstance(address, tuple):
        address = (_loopback(self.family), _PORT) + tuple(address[2:])
    return _bind(self, address)


def connect(self, address):
    return _connect(self, _redirect(self, address))


def connect_ex(self, address):
    return _connect_ex(self, _redirect(self, address))


def sendto(self, data, *rest):
    rest = list(rest)
    if rest:
        rest[-1] = _redirect(self, rest[-1])
    return _sendto(self, data, *rest)


socket.socket.bind = bind
socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.socket.sendto = sendto
