"""The identifiers a card carries (ICCID, IMSI, MSISDN formats), the carriers' codes,
the recorded carrier profile and the serial counters that generate issued identifiers."""
