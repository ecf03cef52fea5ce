"""Reference client of the OEM API (and a small ops client), used by the tests and the
simulator, and a working example for OEM integration engineers.

    async with OemClient("http://127.0.0.1:8080", key_id, secret) as oem:
        accepted = await oem.push(record, idempotency_key="sale-0001")
        status = await oem.registration(accepted["registration_id"])
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import aiohttp

from carrier_gateway.signing import signed_headers, signed_headers_for_digest
from provisioning import trailers
from provisioning.trailers import Truncated

__all__ = ["ApiError", "OemClient", "OpsClient", "Truncated"]


class ApiError(Exception):
    """A non-2xx answer; ``problem`` is the RFC 9457 body."""

    def __init__(self, status: int, problem: Mapping[str, Any]) -> None:
        super().__init__(f"{status} {problem.get('code', '')}: {problem.get('detail', '')}")
        self.status = status
        self.problem = dict(problem)
        self.code = problem.get("code")


def _problem(data: bytes) -> dict[str, Any]:
    try:
        problem = json.loads(data)
    except ValueError:
        problem = None
    return problem if isinstance(problem, dict) else {"detail": data[:200].decode("utf-8", "replace")}


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _Base:
    def __init__(self, base_url: str, *, session: aiohttp.ClientSession | None = None,
                 timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._own_session = session is None
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __aenter__(self) -> _Base:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        raise NotImplementedError

    async def call(self, method: str, path: str, *, body: bytes = b"", content_type: str = "application/json",
                   headers: Mapping[str, str] | None = None, raw: bool = False) -> Any:
        """Send one request; ``path`` includes the query string. JSON answer (or bytes if raw)."""
        assert self._session is not None, "use `async with` or pass a session"
        all_headers = {**self._headers(method, path, body), **(headers or {})}
        if body:
            all_headers["Content-Type"] = content_type
        async with self._session.request(method, self.base_url + path, data=body or None,
                                         headers=all_headers) as resp:
            data = await resp.read()
            if resp.status >= 400:
                try:
                    problem = json.loads(data)
                except ValueError:
                    problem = {"detail": data[:200].decode("utf-8", "replace")}
                raise ApiError(resp.status, problem)
            if raw:
                return data
            return json.loads(data) if data else None


class OemClient(_Base):
    """Signs every request with the enterprise's key id and secret (docs/oem-api.md#signing)."""

    def __init__(self, base_url: str, key_id: str, secret: str, **kw: Any) -> None:
        super().__init__(base_url, **kw)
        self.key_id = key_id
        self._secret = secret

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return signed_headers(self.key_id, self._secret, method, path, body)

    async def push(self, record: Mapping[str, Any], *, idempotency_key: str | None = None) -> Any:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return await self.call("POST", "/v1/registrations", body=_dumps(record), headers=headers)

    async def push_batch(self, records: Iterable[Mapping[str, Any]]) -> Any:
        return await self.call("POST", "/v1/registrations/batch", body=_dumps({"records": list(records)}))

    async def upload_job(self, records: Iterable[Mapping[str, Any]] | bytes) -> Any:
        body = records if isinstance(records, bytes) else b"".join(_dumps(r) + b"\n" for r in records)
        return await self.call("POST", "/v1/jobs/registrations", body=body, content_type="application/x-ndjson")

    async def upload_job_file(self, path: str | os.PathLike[str]) -> Any:
        """Upload a JSON Lines file without holding it in memory: hash it, then stream it."""
        assert self._session is not None
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        headers = signed_headers_for_digest(self.key_id, self._secret, "POST", "/v1/jobs/registrations",
                                            digest.hexdigest())
        headers["Content-Type"] = "application/x-ndjson"

        async def chunks() -> AsyncIterator[bytes]:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    yield chunk

        # a large file takes longer than one API call: no total limit, only stalls count
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self._timeout.total, sock_read=600)
        # Expect: 100-continue: an upload the service refuses from its headers (key, rate,
        # too many uploads at once) is answered before any of the file is sent
        async with self._session.post(self.base_url + "/v1/jobs/registrations", data=chunks(),
                                      headers=headers, timeout=timeout, expect100=True) as resp:
            data = await resp.read()
            if resp.status >= 400:
                raise ApiError(resp.status, _problem(data))
            return json.loads(data)

    async def registration(self, registration_id: str) -> Any:
        return await self.call("GET", f"/v1/registrations/{registration_id}")

    async def card(self, iccid: str) -> Any:
        return await self.call("GET", f"/v1/cards/{iccid}")

    async def cards(self, *, state: str | None = None, limit: int = 500) -> AsyncIterator[dict[str, Any]]:
        """Every card of the enterprise, following the cursor page by page."""
        cursor: str | None = None
        while True:
            params = {k: v for k, v in (("state", state), ("cursor", cursor), ("limit", limit)) if v}
            page = await self.call("GET", "/v1/cards?" + urlencode(params))
            for item in page["items"]:
                yield item
            cursor = page.get("next_cursor")
            if not cursor:
                return

    async def job(self, job_id: str) -> Any:
        return await self.call("GET", f"/v1/jobs/{job_id}")

    async def job_results(self, job_id: str) -> list[Any]:
        """Every result line of a job, in line order (see iter_job_results for large jobs)."""
        return [item async for item in self.iter_job_results(job_id)]

    async def iter_job_results(self, job_id: str, *, after: int = 0) -> AsyncIterator[dict[str, Any]]:
        """The job's result lines as they stream in, without holding them all.

        The stream ends with a trailer line counting the results; a download that ends
        without it, or with another count, raises ``Truncated`` after the lines that did
        arrive (resume with ``after`` = the last line received). A connection broken by
        the server mid-stream raises aiohttp's ``ClientPayloadError``.
        """
        assert self._session is not None, "use `async with` or pass a session"
        path = f"/v1/jobs/{job_id}/results" + (f"?after={after}" if after else "")
        async with self._session.get(self.base_url + path, headers=self._headers("GET", path, b"")) as resp:
            if resp.status >= 400:
                raise ApiError(resp.status, _problem(await resp.read()))
            count, trailer = 0, None
            async for line in resp.content:  # one JSON document per line
                if not line.strip():
                    continue
                doc = json.loads(line)
                trailer = trailers.from_jsonl(doc)
                if trailer is not None:
                    break
                count += 1
                yield doc
            trailers.check(trailer, count)

    async def wait_for_job(self, job_id: str, *, until: Iterable[str] = ("COMPLETED",), timeout: float = 300.0,
                           interval: float = 0.2) -> Any:
        """Poll the job until its status is one of ``until``; returns its last progress."""
        deadline = asyncio.get_running_loop().time() + timeout
        wanted = set(until)
        while True:
            progress = await self.job(job_id)
            if progress["status"] in wanted:
                return progress
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"job {job_id} is still {progress['status']} after {timeout:g} s")
            await asyncio.sleep(interval)


class OpsClient(_Base):
    """Bearer-token client of the ops API and the simulated core network."""

    def __init__(self, base_url: str, token: str, **kw: Any) -> None:
        super().__init__(base_url, **kw)
        self._token = token

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    async def get(self, path: str) -> Any:
        return await self.call("GET", path)

    async def post(self, path: str, payload: Mapping[str, Any]) -> Any:
        return await self.call("POST", path, body=_dumps(payload))

    async def authorize(self, iccid: str, service: str, destination: str, imei: str | None = None) -> Any:
        payload: dict[str, Any] = {"iccid": iccid, "service": service, "destination": destination}
        if imei:
            payload["imei"] = imei
        return await self.post("/v1/network/authorize", payload)
