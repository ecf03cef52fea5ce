"""`carrier simulate` behind the command: the real service and a webhook receiver on
127.0.0.1 in one event loop, the carrier set up as ops would, OEM and network traffic
over HTTP with the package's clients, and a summary read back from the database.

The scenario itself (what to create and push, and what must come of it) is
``provisioning.simulation``.
"""
