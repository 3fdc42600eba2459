"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1:PORT that writes every mail it
accepts to OUT_DIR as one JSON file (envelope, headers, the text and HTML bodies decoded, and
each attached file: its name, media type and decoded text).

    smtp_sink.py PORT OUT_DIR

Prints "ready" once it listens; runs until killed or until its standard input closes.
"""

import email
import json
import os
import sys
import time
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        headers = {}
        for name, value in message.items():
            headers.setdefault(name.lower(), str(value))
        attachments = [
            {
                "name": part.get_filename(),
                "content_type": part.get_content_type(),
                "content": part.get_content(),
            }
            for part in message.iter_attachments()
        ]
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": headers,
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
            "attachments": attachments,
        }
        self.count += 1
        path = os.path.join(self.out_dir, f"{time.time_ns()}-{self.count}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(path + ".tmp", path)
        return "250 OK"


def main():
    port, out_dir = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    controller = Controller(Sink(out_dir), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
