"""Purchasing enterprises (OEMs and their authorised agents), their responsible
persons, registered destinations and API credentials.

Modules: ``registry`` (enterprises), ``destinations`` (platform prefixes, short codes,
call-centre numbers), ``persons`` (responsible persons and the roster), ``credentials``
(API keys). Every function takes an ``AsyncConnection``; the caller owns the transaction.
"""
