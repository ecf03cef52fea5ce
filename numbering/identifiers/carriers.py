"""The three Chinese carriers a deployment can simulate, with their codes.

Facts (docs/domain.md#numbers): mobile country code 460; the mobile network codes
(MNC) of each carrier; the ICCID issuer codes (the two digits after ``8986``); and the
dedicated 13-digit IoT MSISDN prefixes, plus the prefixes reserved for nobody.

The *default* MNC and ICCID issuer are what this system puts in the IMSIs and
ICCIDs it issues: the codes the carriers use for IoT cards (46004 and 898604 for
China Mobile, 46006 / 898606 for China Unicom, 46011 / 898611 for China Telecom).

>>> PROFILES["china-telecom"].msisdn_prefixes
('1410',)
>>> carrier_for_msisdn("1480000000001")
'china-mobile'
>>> reserved_prefix("1445123456789")
'1445'
"""

from __future__ import annotations

import dataclasses

MCC = "460"
DEFAULT_CARRIER = "china-mobile"
DEFAULT_QUARANTINE_DAYS = 90


@dataclasses.dataclass(frozen=True)
class CarrierProfile:
    """The carrier being simulated: what goes into every number it issues."""

    key: str
    name: str
    mcc: str
    mncs: tuple[str, ...]
    default_mnc: str
    iccid_issuers: tuple[str, ...]
    default_iccid_issuer: str
    msisdn_prefixes: tuple[str, ...]
    #: days a released MSISDN stays frozen before anyone may get it again
    quarantine_days: int = DEFAULT_QUARANTINE_DAYS


PROFILES: dict[str, CarrierProfile] = {
    "china-mobile": CarrierProfile(
        "china-mobile", "China Mobile", MCC, ("00", "02", "04", "07", "08"), "04",
        ("00", "02", "04", "07"), "04", ("1440", "1441", "148"),
    ),
    "china-unicom": CarrierProfile(
        "china-unicom", "China Unicom", MCC, ("01", "06", "09"), "06", ("01", "06", "09"), "06", ("146",),
    ),
    "china-telecom": CarrierProfile(
        "china-telecom", "China Telecom", MCC, ("03", "05", "11"), "11", ("03", "11"), "11", ("1410",),
    ),
}

#: IoT prefixes held back by the regulator: no carrier may issue numbers from them.
RESERVED_MSISDN_PREFIXES: tuple[str, ...] = (
    "140", *(f"141{d}" for d in range(1, 10)), "142", "143", *(f"144{d}" for d in range(2, 10)),
)


def carrier_for_msisdn(number: str) -> str | None:
    """The carrier whose IoT prefixes hold ``number`` (digits), or None."""
    for key, profile in PROFILES.items():
        if number.startswith(profile.msisdn_prefixes):
            return key
    return None


def reserved_prefix(number: str) -> str | None:
    """The reserved prefix ``number`` starts with, or None."""
    for prefix in RESERVED_MSISDN_PREFIXES:
        if number.startswith(prefix):
            return prefix
    return None


def carrier_for_mnc(mnc: str) -> str | None:
    for key, profile in PROFILES.items():
        if mnc in profile.mncs:
            return key
    return None


def carrier_for_iccid_issuer(issuer: str) -> str | None:
    for key, profile in PROFILES.items():
        if issuer in profile.iccid_issuers:
            return key
    return None


def profile_for(key: str) -> CarrierProfile:
    """The built-in profile ``key``; ValueError naming the known keys otherwise."""
    try:
        return PROFILES[key]
    except KeyError:
        raise ValueError(f"unknown carrier {key!r}: use one of {', '.join(PROFILES)}") from None
