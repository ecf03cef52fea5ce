"""Click command groups behind the ``carrier`` console script (see cli.py)."""
