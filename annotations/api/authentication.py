"""Token authentication that looks up only keys that could be ours."""

from __future__ import annotations

import re

from rest_framework import authentication, exceptions

# DRF's keys are 40 hexadecimal characters: anything else is refused before the lookup
# (PostgreSQL refuses a NUL byte in the query with a server error).
_KEY = re.compile(r"^[0-9a-fA-F]{1,128}$")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if not _KEY.match(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
