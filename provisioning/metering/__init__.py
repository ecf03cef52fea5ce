"""Accounted data per card: the accounting sessions a packet gateway reports and the
octets they add up to. Below both ``cards`` (whose data caps are checked against it)
and ``network`` (which records what the gateways report), so neither imports the other
back."""
