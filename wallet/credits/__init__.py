"""Credits: a person's wallet, paid credits and promotional lots, grants and expiry."""
