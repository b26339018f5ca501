"""AI provider keys at rest: sealed under the server secret, still readable after a rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import InvalidToken

from outsend_auth.ai import KeyBox

KEY = "sk-ant-api03-0123456789abcdef"


def test_a_sealed_key_holds_no_trace_of_the_key() -> None:
    sealed = KeyBox("secret-one").seal(KEY)

    assert KEY.encode() not in sealed
    assert KeyBox("secret-one").open(sealed) == (KEY, None)


def test_after_a_rotation_old_keys_open_and_are_resealed_under_the_new_secret() -> None:
    sealed = KeyBox("secret-one").seal(KEY)
    rotated = KeyBox("secret-two", previous=["secret-one"])

    key, resealed = rotated.open(sealed)

    assert key == KEY and resealed is not None
    assert KeyBox("secret-two").open(resealed) == (KEY, None)


def test_another_secret_cannot_open_a_key() -> None:
    with pytest.raises(InvalidToken):
        KeyBox("secret-two").open(KeyBox("secret-one").seal(KEY))
