"""A mail server for the production smoke: accepts every message and appends it to a file.

Usage: smtp_sink.py PORT FILE. Each message is written as one JSON line (sender,
recipients, and the message itself), flushed at once so that a reader polling the file sees
whole lines only.
"""

import json
import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        line = json.dumps(
            {
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "message": envelope.content.decode("utf-8", "replace"),
            }
        )
        with self.lock, self.path.open("a") as out:
            out.write(line + "\n")
        return "250 Message accepted"


def main() -> None:
    port, path = int(sys.argv[1]), Path(sys.argv[2])
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"SMTP sink on 127.0.0.1:{port}, writing to {path}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
