"""Number resources as use cases: segments and blocks of MSISDNs, IP pools, prefixes and
static addresses. Each use case checks the enterprise it serves (it exists and may buy),
calls ``numbering`` for the allocation itself, and records one audit event in the same
transaction. The HTTP API and the CLI call these; they only parse and render."""
