"""registrations."""
