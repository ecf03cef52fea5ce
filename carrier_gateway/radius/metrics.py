"""RADIUS counters and latency, on the app's Prometheus registry (served at /metrics)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class RadiusMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter("carrier_radius_requests", "RADIUS requests answered or dropped, by port",
                                ["port"], registry=registry)
        self.accepts = Counter("carrier_radius_accepts", "Access-Accepts sent", registry=registry)
        self.rejects = Counter("carrier_radius_rejects", "Access-Rejects sent, by reason code", ["reason"],
                               registry=registry)
        self.drops = Counter("carrier_radius_drops", "Packets dropped unanswered, by cause", ["cause"],
                             registry=registry)
        self.retransmissions = Counter("carrier_radius_retransmissions",
                                       "Retransmitted requests answered from the recent replies, not decided again",
                                       ["port"], registry=registry)
        self.accounting = Counter("carrier_radius_accounting", "Accounting-Requests, by status and outcome",
                                  ["status", "outcome"], registry=registry)
        self.latency = Histogram("carrier_radius_request_duration_seconds",
                                 "From a request's arrival to its answer, by port", ["port"],
                                 buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
                                 registry=registry)
