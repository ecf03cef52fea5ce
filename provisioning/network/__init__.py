"""The network side: RADIUS clients (the packet gateways), attach decisions with their
session addresses, and usage accounting per card."""
