"""The simulator's scenario: what a simulated carrier holds and what its OEMs push.

Pure and deterministic: the same parameters (seed, sizes, the day) give the same
enterprises, records, breakages and follow-ups, and the outcome every one of them must
have (``expect``). Running it against a service is the gateway's job
(``carrier_gateway.simulate``).
"""
