"""Cards: bulk issuance, the lifecycle, minimum-necessary services, and the
simulated core network's authorisation.

Modules: ``states`` (the transition table), ``store`` (look-ups and history),
``lifecycle`` (transitions, suspension, real-name status), ``services`` (ceilings and
effective services), ``authorize`` (network decisions and IMEI binding),
``issuance`` (purchase orders in chunks).
"""
