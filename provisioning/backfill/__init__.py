"""Back-registration (补登记, DOMAIN.md clause 9): cards in vehicles sold before the
notice, flagged by ops, tracked until each has a verified registration, against a
configurable deadline (``Policy.backfill_deadline``)."""
