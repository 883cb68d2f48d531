"""A software passkey authenticator for tests: real EC P-256 keys, attestation "none", and
assertions signed exactly as a platform authenticator signs them (WebAuthn Level 3, 6.1 and 6.3).

It answers the options our server hands out, as navigator.credentials would, and returns the
JSON a browser's PublicKeyCredential.toJSON() gives. Every field can be bent to play an attacker:
another origin or RP ID, no user verification, a counter that goes backwards.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    counter: int = 0


@dataclass
class SoftAuthenticator:
    """Holds discoverable credentials for any RP; `origin` is where its "browser" is."""

    origin: str
    credentials: list[Credential] = field(default_factory=list)

    def create(self, options: dict[str, Any], *, origin: str | None = None, rp_id: str | None = None,
               verified: bool = True) -> dict[str, Any]:  # fmt: skip
        """Make a new credential for `options` (from /api/account/passkeys/options)."""
        rp = rp_id or options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        credential = Credential(secrets.token_bytes(32), key, rp, unb64url(options["user"]["id"]))
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                            -3: numbers.y.to_bytes(32, "big")})  # fmt: skip
        attested = (
            bytes(16) + struct.pack(">H", len(credential.credential_id)) + credential.credential_id + cose
        )
        flags = UP | AT | (UV if verified else 0)
        auth_data = hashlib.sha256(rp.encode()).digest() + bytes([flags]) + struct.pack(">I", 0) + attested
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        self.credentials.append(credential)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def get(self, options: dict[str, Any], *, credential: Credential | None = None, origin: str | None = None,
            rp_id: str | None = None, counter: int | None = None, verified: bool = True,
            user_handle: bytes | None = None) -> dict[str, Any]:  # fmt: skip
        """Sign an assertion for `options` with a credential (the newest for its RP by default)."""
        chosen = credential or next(c for c in reversed(self.credentials) if c.rp_id == options["rpId"])
        chosen.counter = chosen.counter + 1 if counter is None else counter
        rp = rp_id or chosen.rp_id
        flags = UP | (UV if verified else 0)
        auth_data = hashlib.sha256(rp.encode()).digest() + bytes([flags]) + struct.pack(">I", chosen.counter)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = chosen.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(chosen.credential_id),
            "rawId": b64url(chosen.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(chosen.user_handle if user_handle is None else user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        }

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}
        ).encode()
