"""OAuth 2.0 for apps on phones: grants with spending caps, tokens, Authlib server.

Importing this package registers the access-token resolver with ``wallet.auth``.
"""

from __future__ import annotations

from wallet import auth
from wallet.oauth.tokens import mint_access_token, principal_for_access_token

__all__ = ["mint_access_token", "principal_for_access_token"]

if principal_for_access_token not in auth.bearer_resolvers:
    auth.bearer_resolvers.append(principal_for_access_token)
