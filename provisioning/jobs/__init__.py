"""JSON Lines back-registration jobs: received in encrypted chunks, ingested by workers."""
