"""Encryption at rest for contacts' sensitive fields, and the blind index that finds them.

- Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) through a MultiFernet: the
  first key of ``PARLEY_ENCRYPTION_KEYS`` encrypts, every key decrypts, so a new key can be
  put in front and `parley rotate_keys` re-encrypts the rows at leisure.
- Equality lookups ("the contact with this phone") use a *blind index*: HMAC-SHA256 of the
  normalised value under a separate key (``PARLEY_BLIND_INDEX_KEY``), stored beside the
  ciphertext. The database can match it without holding or being able to compute the value.
- The embedded mode generates both keys into the data directory, as it does the secret key;
  production refuses to encrypt without them rather than invent keys no one has backed up.

The database, and so every backup of it, holds ciphertext only. See docs/security.md
("Encryption at rest") and docs/operations.md (keys, rotation, backups).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Ciphertext(str):
    """A value already encrypted (key rotation writes these back as they are)."""


def _key_file(name: str, make: Any) -> str:
    path = Path(settings.DATA_DIR) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def encryption_keys() -> list[str]:
    keys = list(settings.PARLEY_ENCRYPTION_KEYS)
    if keys:
        return keys
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "PARLEY_ENCRYPTION_KEYS is not set: production will not store contacts' sensitive "
            "fields without a key you keep (docs/operations.md, 'Encryption keys')."
        )
    return [_key_file("encryption_key", lambda: Fernet.generate_key().decode())]


def blind_index_key() -> bytes:
    key = settings.PARLEY_BLIND_INDEX_KEY
    if not key:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("PARLEY_BLIND_INDEX_KEY is not set (docs/operations.md).")
        key = _key_file("blind_index_key", lambda: secrets.token_urlsafe(32))
    return key.encode()


@lru_cache(maxsize=4)
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "PARLEY_ENCRYPTION_KEYS must hold Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc


def fernet() -> MultiFernet:
    return _multi_fernet(tuple(encryption_keys()))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def looks_encrypted(value: str) -> bool:
    """A Fernet token by its shape: version byte 0x80, 8-byte time, 16-byte IV, whole AES
    blocks, 32-byte HMAC, url-safe base64. Tells a column's tokens from values written in
    clear (data migrations); it checks no key, so a token under a lost key still counts."""
    if len(value) < 100 or not value.startswith("gAAAAA"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return raw[0] == 0x80 and len(raw) >= 73 and (len(raw) - 57) % 16 == 0


def is_current(token: str) -> bool:
    """Encrypted with the newest key (nothing to rotate)."""
    try:
        Fernet(encryption_keys()[0].encode()).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    return fernet().rotate(token.encode()).decode()


def new_key() -> str:
    return Fernet.generate_key().decode()


# --- blind index -----------------------------------------------------------------------------


def normalise_phone(value: str) -> str:
    """One spelling per number: E.164 when it parses (mainland numbers without a country
    code are read as Chinese), else its digits."""
    try:
        parsed = phonenumbers.parse(value, "CN")
        if phonenumbers.is_possible_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "".join(ch for ch in value if ch.isdigit())


def normalise_id_number(value: str) -> str:
    return "".join(value.split()).upper()


def blind_index(kind: str, normalised: str) -> str:
    """HMAC-SHA256 of the value, per kind (a phone and an ID with the same digits differ)."""
    if not normalised:
        return ""
    digest = hmac.new(blind_index_key(), f"{kind}:{normalised}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()).decode().rstrip("=").lower()


# --- the model field -------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored as Fernet ciphertext; read back as clear text. Empty stays empty (so
    "has a phone" needs no decryption). Not searchable: look values up by blind index."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, "") or isinstance(value, Ciphertext):
            return value
        return encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return decrypt(value)
