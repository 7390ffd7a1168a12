"""Whether ``revpact serve`` can listen where it was asked, checked before it says it serves.

The check binds the address the way uvicorn will (IPv6 when the host has a colon, the address
reusable) and lets it go at once; a port in use, a privileged port or a host that is not this
machine's is a clear error instead of "serving on" followed by uvicorn's failure.
"""

from __future__ import annotations

import errno
import socket

from revpact.errors import RevpactError

__all__ = ["MAX_PORT", "check_listening"]

MAX_PORT = 65535


def check_listening(host: str, port: int) -> None:
    """Raise ``RevpactError`` naming the host and port when they cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except socket.gaierror:
        raise RevpactError(f'--host "{host}" is not a name or address of this machine') from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} is in use on {host}; stop what listens there or choose --port"
        elif exc.errno == errno.EACCES:
            message = f"port {port} on {host} needs privileges; choose a port above 1023"
        elif exc.errno == errno.EADDRNOTAVAIL:
            message = f'--host "{host}" is not an address of this machine'
        else:
            message = f"cannot listen on {host} port {port} ({exc.strerror or exc})"
        raise RevpactError(message) from None
