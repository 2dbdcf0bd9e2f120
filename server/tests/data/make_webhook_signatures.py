"""Makes webhook_signatures.json: Standard Webhooks signatures computed with
Python's standard hmac module, an implementation independent of ours, for the
signature test matrix of server/src/services/webhook.rs.

    python3 server/tests/data/make_webhook_signatures.py
"""
import base64
import hashlib
import hmac
import json
import pathlib

KEY = bytes(range(32))
OTHER_KEY = bytes([7]) * 32
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
TS = 1796170000  # the verifier's "now" is TS + 30
BODY = json.dumps(
    {
        "external_id": "LC-BUS-20261129-000123",
        "kind": "bus_ride",
        "subject": {"type": "transit_card", "value": "3100 1234 5678 9012"},
        "started_at": "2026-11-29T08:10:00+08:00",
        "ended_at": "2026-11-29T08:32:00+08:00",
        "quantity": 7.4,
        "unit": "km",
        "attributes": {"route": "K5", "from_stop": "东昌湖", "to_stop": "火车站"},
    },
    ensure_ascii=False,
    separators=(",", ":"),
)


def secret(key):
    return "whsec_" + base64.b64encode(key).decode()


def sign(key, msg_id, ts, body):
    content = f"{msg_id}.{ts}.{body}".encode()
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def case(name, ok, msg_id=MSG_ID, ts=TS, body=BODY, signature=None):
    if signature is None:
        signature = "v1," + sign(KEY, msg_id, ts, body)
    return {"name": name, "id": msg_id, "timestamp": str(ts), "body": body, "signature": signature, "ok": ok}


GOOD = "v1," + sign(KEY, MSG_ID, TS, BODY)
cases = [
    case("valid", True),
    case("several signatures, one valid (rotation)", True,
         signature="v1," + sign(OTHER_KEY, MSG_ID, TS, BODY) + " " + GOOD),
    case("tampered body", False, body=BODY.replace("7.4", "74"), signature=GOOD),
    case("tampered id", False, msg_id="msg_other", signature=GOOD),
    case("tampered timestamp", False, ts=TS + 1, signature=GOOD),
    case("wrong secret", False, signature="v1," + sign(OTHER_KEY, MSG_ID, TS, BODY)),
    case("stale (older than 5 minutes)", False, ts=TS - 301),
    case("future (more than 5 minutes ahead)", False, ts=TS + 400),
    case("unknown signature version", False, signature=GOOD.replace("v1,", "v2,")),
    case("signature not base64", False, signature="v1,!!!"),
    case("no signature", False, signature=""),
    {**case("timestamp not a number", False), "timestamp": "yesterday"},
]
out = {
    "secret": secret(KEY),
    "other_secret": secret(OTHER_KEY),
    "now": TS + 30,
    "cases": cases,
}
path = pathlib.Path(__file__).with_name("webhook_signatures.json")
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
