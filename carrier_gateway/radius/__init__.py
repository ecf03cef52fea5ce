"""RADIUS, the packet gateways' transport (like the HTTP API is the OEMs'): a UDP server
inside `carrier serve` answering Access-Requests (attach decisions) and
Accounting-Requests (usage), with pyrad for packets, authenticators and dictionaries."""
