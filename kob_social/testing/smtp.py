"""A throwaway SMTP server for the exactly-once tests: the outside world a worker sends to.

It speaks just enough ESMTP for Django's SMTP backend, keeps every accepted message, and can
misbehave on purpose: refuse the next N messages with a temporary error (451), or hold the
conversation at RCPT TO for one recipient until released, so that a test can kill the worker
in the middle of sending.
"""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message

from .services import free_port


class SmtpSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.lock = threading.Lock()
        self.accepted: list[Message] = []
        self.refused: list[Message] = []
        self.fail_next = 0
        self.hold_recipient: str | None = None
        self.held = threading.Event()
        self.release = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())

            def handle(self) -> None:
                self.reply("220 sink ESMTP")
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    command = raw.decode("utf-8", "replace").strip()
                    verb = command.split(" ", 1)[0].upper()
                    if verb in {"EHLO", "HELO"}:
                        self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
                    elif verb == "RCPT":
                        if sink.hold_recipient and sink.hold_recipient.lower() in command.lower():
                            sink.held.set()
                            sink.release.wait(timeout=60)
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        self.receive_data()
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:  # MAIL, RSET, NOOP
                        self.reply("250 OK")

            def receive_data(self) -> None:
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in {b".\r\n", b".\n"}:
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = email.message_from_bytes(b"".join(lines))
                with sink.lock:
                    if sink.fail_next > 0:
                        sink.fail_next -= 1
                        sink.refused.append(message)
                        self.reply("451 Temporary failure, try again later")
                        return
                    sink.accepted.append(message)
                self.reply("250 OK: queued")

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(message["Message-ID"]) for message in self.accepted]
