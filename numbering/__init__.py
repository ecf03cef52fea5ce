"""Number resources: IoT MSISDN segments, ICCID/IMSI formats and IP pools.

Pure allocation math plus the tables that hold it. Imports no other project package.

A map of the package. Each subpackage is one resource; the modules at the top are
shared by more than one of them (import them from where they live: nothing is
re-exported from a package ``__init__``).

``identifiers/``: the identifiers a card carries, and what generates them
    ``carriers`` (the three carriers' codes and number prefixes), the formats
    ``iccid``, ``imsi`` and ``msisdn`` (validate, compact, format, doctests),
    ``profile`` (the carrier recorded at ``carrier init``), ``serials`` (the serial
    counters of issued ICCIDs and IMSIs) and ``bulk`` (ICCIDs and IMSIs for runs of
    serials, for issuing many cards at once).
``msisdn/``: the carrier's stock of IoT numbers
    ``segments`` (number segments and the blocks given to enterprises),
    ``assignment`` (numbers to cards, into quarantine on release, out again) and
    ``usage`` (utilisation per segment and per enterprise). The MSISDN *format* is
    ``identifiers.msisdn``.
``ip/``: IP pools per APN
    ``pools`` (pools and the prefixes given to enterprises), ``poolfree`` (a pool's
    free space as aligned blocks), ``addresses`` (static addresses for cards) and
    ``pool_usage`` (utilisation of pools and prefixes).

Shared at the top:
    ``errors`` (the typed domain errors every package raises), ``checks`` (argument
    checks), ``clock`` (China time), ``dbtypes`` (column types and the naming
    convention of every package's tables), ``sqlutil`` (portable SQL helpers),
    ``tables`` (every numbering table, in one ``MetaData``: the ``numbering``
    migration branch), ``intervals`` (pure allocation math on runs), ``ipspace``
    (IPv4 and IPv6 as keys of one 128-bit space: run tables store addresses as
    these keys, so it sits below both ``runs`` and ``ip/``), ``runs`` (free runs in
    a table: find, take, give back) and ``freelists`` (the free-run tables of
    segments, blocks and prefixes).
"""
