"""People: sign-up and sign-in, sessions and CSRF protection, the operator's user records."""
