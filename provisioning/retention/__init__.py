"""Retention: personal data is kept while it serves, plus 2 years, then purged (Order 25 Art. 11)."""
