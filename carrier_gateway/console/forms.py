"""HTML forms read into the ops API's own input models (one set of rules for both), and
errors put next to the field they concern, in the reader's language."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from carrier_gateway.console.errors import explain
from carrier_gateway.console.i18n import _
from numbering.errors import DomainError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
CSRF_FIELD = "csrf_token"


@dataclasses.dataclass
class FormErrors(Exception):
    """What is wrong with a form: per field, and for the form as a whole."""

    fields: dict[str, str] = dataclasses.field(default_factory=dict)
    general: str | None = None
    status: int = 422

    def as_dict(self) -> dict[str, str]:
        """Per field, and the form's own error under ``__all__`` (as the templates read them)."""
        return {**self.fields, **({"__all__": self.general} if self.general else {})}


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind == "greater_than_equal":
        return _("Must be at least %(n)s.", n=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("Must be at most %(n)s.", n=ctx.get("le"))
    if kind == "string_too_short":
        return _("This field is required.") if ctx.get("min_length") == 1 else \
            _("Must be at least %(n)s characters.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("Must be at most %(n)s characters.", n=ctx.get("max_length"))
    if kind in ("literal_error", "enum"):
        return _("Choose one of the listed values.")
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind == "bool_parsing":
        return _("Choose yes or no.")
    return _("This value is not accepted.")


def parse(model: type[M], form: Mapping[str, str], *, drop_empty: bool = True) -> M:
    """The form's fields (empty ones left out, so defaults apply) validated by ``model``;
    FormErrors naming each bad field otherwise."""
    data = {k: v for k, v in form.items() if k != CSRF_FIELD and not (drop_empty and v == "")}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = FormErrors()
        for err in exc.errors(include_input=False, include_url=False):
            field = str(err["loc"][0]) if err["loc"] else ""
            if field in model.model_fields:
                errors.fields.setdefault(field, _pydantic_message(err))
            else:
                errors.general = _("The form has fields this page does not know.")
        raise errors from None


def list_filters(model: type[M], query: Mapping[str, str]) -> tuple[M, dict[str, str]]:
    """A list page's filters from its query string: the valid model and no errors, or the
    model's defaults (the unfiltered list) and the errors to show beside the filter form."""
    try:
        return parse(model, query), {}
    except FormErrors as bad:
        return model(), bad.as_dict()


def from_domain(exc: DomainError, fields: tuple[str, ...]) -> FormErrors:
    """A domain error shown next to its field when the form has one, else above the form
    (naming the field it concerns)."""
    if exc.field and exc.field in fields:
        return FormErrors(fields={exc.field: explain(exc, beside_field=True)}, status=exc.status)
    return FormErrors(general=explain(exc), status=exc.status)


async def submit(model: type[M], form: Mapping[str, str], act: Callable[[M], Awaitable[T]]) -> T:
    """The form read into ``model``, then ``act`` on it (the same use case the API calls);
    FormErrors for bad input (422) or the domain's refusal (its own status)."""
    body = parse(model, form)
    try:
        return await act(body)
    except DomainError as exc:
        raise from_domain(exc, tuple(model.model_fields)) from None
