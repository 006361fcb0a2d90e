"""A small, standards-following OpenID Provider on a real socket, for testing the relying party on its own.

The real provider is the hub (tested end to end in tests/test_sso_browser.py);
this one lets each test choose what goes wrong: a foreign signing key, wrong
audience, nonce or issuer, an expired token, a rotated key, an error answer,
or no answer at all.  The token endpoint checks the client secret, the
redirect URI and the PKCE verifier against the challenge it was given.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from jwcrypto import jwk, jwt

CLIENT_ID = "trading-test"
CLIENT_SECRET = "rp-secret-" + "k" * 30


class Provider:
    def __init__(self):
        self.key = jwk.JWK.generate(kty="RSA", size=2048, kid="k1")
        self.published = [self.key]
        self.codes: dict[str, dict[str, Any]] = {}  # code -> {challenge, redirect_uri, nonce}
        self.claims: dict[str, Any] = {}  # overrides of the ID token's claims
        self.sign_with: jwk.JWK | None = None
        self.header: dict[str, Any] | None = None
        self.token_status: int | None = None
        self.jwks_fetches = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def expect(self, *, code: str, challenge: str, redirect_uri: str, nonce: str) -> None:
        self.codes[code] = {"challenge": challenge, "redirect_uri": redirect_uri, "nonce": nonce}

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "3f1c7a52-0000-4000-8000-000000000001",
            "iat": now,
            "exp": now + 600,
            "nonce": nonce,
            "name": "林晓",
            "preferred_username": "tongqu",
            "entity": {"uscc": "91330108MA2B7C8D9C", "name": "浙江通衢建设有限公司", "roles": ["bidder"], "verified": True},
        }
        claims.update(self.claims)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = self.sign_with or self.key
        header = self.header or {"alg": "RS256", "kid": key.get("kid")}
        token = jwt.JWT(header=header, claims=claims)
        token.make_signed_token(key)
        return token.serialize()

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = urlparse(self.path).path
                if path == "/.well-known/openid-configuration":
                    i = provider.issuer
                    self._json(200, {"issuer": i, "authorization_endpoint": i + "/authorize", "token_endpoint": i + "/token", "jwks_uri": i + "/jwks", "end_session_endpoint": i + "/logout"})
                elif path == "/jwks":
                    provider.jwks_fetches += 1
                    self._json(200, {"keys": [json.loads(k.export_public()) for k in provider.published]})
                else:
                    self._json(404, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if provider.token_status:
                    self._json(provider.token_status, {"error": "server_error"})
                    return
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    self._json(401, {"error": "invalid_client"})
                    return
                grant = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if grant is None or grant["challenge"] != challenge or grant["redirect_uri"] != form.get("redirect_uri"):
                    self._json(400, {"error": "invalid_grant"})
                    return
                self._json(200, {"access_token": "at", "token_type": "Bearer", "expires_in": 600, "id_token": provider.id_token(grant["nonce"])})

        return Handler
