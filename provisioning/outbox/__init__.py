"""Transactional outbox: events written in the same transaction as the change they
announce, delivered later (webhooks) by whichever process claims them."""
