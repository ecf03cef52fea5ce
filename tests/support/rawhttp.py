"""A blocking HTTP/1.1 connection on a bare socket (run it in a thread): it sends a request
head and as much of the body as a test wants, and reads whatever the server answers, when
it answers. aiohttp's client cannot show an answer that comes before its body is sent,
nor hold an upload half-sent.

Data the server sent before it closed stays readable here even when the close was a reset
(the server did not read what the client was still sending), as a real client sees it.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Mapping

#: a guard, not a measure: a server that never answers fails the test instead of hanging it
TIMEOUT_SECONDS = 60.0


@dataclasses.dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


def head(method: str, path: str, headers: Mapping[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")  # as aiohttp decodes header values


class RawConnection:
    def __init__(self, port: int) -> None:
        self._sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS)
        self._buffer = b""

    def send(self, data: bytes) -> bool:
        """False if the server closed the connection before taking it all."""
        try:
            self._sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            return False
        return True

    def _recv(self) -> bytes:
        try:
            return self._sock.recv(65536)
        except ConnectionResetError:
            return b""
        except TimeoutError:
            raise AssertionError(f"no answer from the server within {TIMEOUT_SECONDS} s") from None

    def answer(self) -> Answer:
        """The next answer: an interim one (100 Continue) or a final one with its body."""
        while b"\r\n\r\n" not in self._buffer:
            data = self._recv()
            if not data:
                raise AssertionError(f"connection closed before a complete answer: {self._buffer[:200]!r}")
            self._buffer += data
        raw, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        status_line, *header_lines = raw.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
        status = int(status_line.split()[1])
        length = int(headers.get("content-length", "0")) if status >= 200 else 0
        while len(self._buffer) < length:
            data = self._recv()
            if not data:
                raise AssertionError("connection closed in the middle of an answer's body")
            self._buffer += data
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return Answer(status, headers, body)

    def closed_by_server(self) -> bool:
        """True when the server has ended the connection (nothing more will come)."""
        return not self._buffer and self._recv() == b""

    def close(self) -> None:
        self._sock.close()
