"""The listening check of ``revpact serve``: a busy port, a foreign host, a free port."""

from __future__ import annotations

import socket

import pytest

from revpact.cli.listening import check_listening
from revpact.errors import RevpactError


def test_a_busy_port_is_named() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(RevpactError, match=f"^port {port} is in use on 127.0.0.1; "):
            check_listening("127.0.0.1", port)


def test_a_free_port_passes_and_stays_free() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_listening("127.0.0.1", port)
    check_listening("127.0.0.1", port)  # the check let the port go


@pytest.mark.parametrize("host", ["203.0.113.7", "no-such-host.invalid"])
def test_a_host_that_is_not_this_machine(host: str) -> None:
    with pytest.raises(RevpactError, match=f'^--host "{host}" is not'):
        check_listening(host, 8000)
