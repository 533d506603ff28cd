"""Shared HTTP plumbing: principals and ``requires``, the one error handler, the
one commit point per request, idempotency, paging, fields, OpenAPI docs, health."""
