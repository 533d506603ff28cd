"""People on the web pages: sign-up, sign-in (session cookie) and CSRF protection."""
