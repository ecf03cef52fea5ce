"""Personal-data protection: field encryption, blind indexes, masking."""
