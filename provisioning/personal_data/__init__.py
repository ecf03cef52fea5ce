"""Personal data as a whole, above every area that holds some: which columns are sealed
(``registry``), sealing them again under a new master key (``rotation``, ``status``),
and audited unmasked reads (``disclosure``).

The primitives these use -- the keyring, the key file, masking and redaction -- are in
``provisioning.privacy``, below every area, so an area that seals a column imports only
them and no package imports in a circle.
"""
