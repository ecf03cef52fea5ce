"""The carrier's records: enterprises, responsible persons, credentials, cards,
registrations, verification, personal-data protection, audit and reports."""
