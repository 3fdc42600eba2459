"""Verifies webhook deliveries with the `standardwebhooks` package (not cohack's code).

Reads {"secret": "whsec_...", "messages": [{"headers": {...}, "body": "..."}]} on stdin and
prints one line per message: "ok <type>" when the signature verifies, else "bad <reason>".
"""

import json
import sys

from standardwebhooks import Webhook, WebhookVerificationError

request = json.load(sys.stdin)
hook = Webhook(request["secret"])
for message in request["messages"]:
    try:
        payload = hook.verify(message["body"], message["headers"])
        print("ok", payload["type"])
    except WebhookVerificationError as error:
        print("bad", error)
