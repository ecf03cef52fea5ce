"""Identity and vehicle document formats (pure, python-stdnum style)."""
