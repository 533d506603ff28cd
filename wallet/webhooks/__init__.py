"""Events (a transactional outbox) and signed webhooks to merchants' and the operator's servers."""
