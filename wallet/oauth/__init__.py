"""OAuth 2.0 for apps on phones: grants with spending caps, tokens, Authlib server."""
