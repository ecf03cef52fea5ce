"""The carrier's stock of IoT MSISDNs: segments, enterprise blocks, assignment to cards,
quarantine and usage. The MSISDN format itself is :mod:`numbering.identifiers.msisdn`."""
