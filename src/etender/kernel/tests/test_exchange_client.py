"""The sending side of the batch protocol: signed envelope, answers read into delivered / refused records."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.kernel.exchange import client
from etender.kernel.signing import Signer, verify


def test_the_batch_is_signed_over_platform_sequence_and_records():
    signer = Signer(Ed25519PrivateKey.generate())
    rec = client.batch_record(dataset="501", key="E1", op="upsert", record={"A": 1}, occurred_at=datetime(2026, 11, 25, tzinfo=UTC), origin={"platform": "X", "name": "Y"})
    body = client.batch_body(platform="P", sequence=7, records=[rec], signer=signer)
    assert rec["occurred_at"] == "2026-11-25T00:00:00+00:00" and rec["origin"] == {"platform": "X", "name": "Y"}
    signature = body.pop("signature")
    assert body == {"platform": "P", "sequence": 7, "records": [rec]} and verify(body, signature, signer.public_info()["public_key"])


def test_refused_indexes_only_for_refusals_and_only_in_range():
    answer = {"code": "E016", "params": {"errors": [{"index": 2}, {"index": 0}, {"index": 2}, {"index": 9}, {"index": "1"}, {}]}}
    assert client.refused_indexes(422, answer, 3) == [0, 2]
    assert client.refused_indexes(500, answer, 3) == []
    assert client.refused_indexes(422, {"code": "E013"}, 3) == []
    assert client.BatchResult(status=403, answer={"code": "E006"}, size=1).refusal
    assert not client.BatchResult(status=409, answer={"code": "E014"}, size=1).refusal


class _Hub(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        json.loads(self.rfile.read(length))
        if self.path != client.BATCH_PATH:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(502)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>bad gateway</html>")

    def log_message(self, *args):
        pass


def test_answers_that_are_not_json_and_unreachable_hubs_become_messages():
    server = HTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        signer = Signer(Ed25519PrivateKey.generate())
        result = client.send_batch(f"http://127.0.0.1:{server.server_port}/", platform="P", sequence=1, records=[], signer=signer)
        assert (result.status, result.answer, result.delivered, result.refused) == (502, {"message": "<html>bad gateway</html>"}, False, [])
    finally:
        server.shutdown()
        server.server_close()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    status, answer = client.post_batch(f"http://127.0.0.1:{port}", {"platform": "P"}, timeout=5)
    assert status == 0 and "Connection refused" in answer["message"]
