"""Back-registration (补登记, docs/domain.md#back-registration): cards in vehicles sold before the
notice, flagged by ops, tracked until each has a verified registration, against a
configurable deadline (``Policy.backfill_deadline``)."""
