"""The published AWS payloads under tests/fixtures/real/aws, read as boto3 returns them.

Each file holds the ``response`` of one documented example (botocore's ``examples-1.json`` or the aws-cli
examples), the ``operation`` it answers and, where the response leaves out what the request named, the
example's ``parameters``. The published text prints timestamps as ISO strings or epoch numbers; boto3 hands
them over as datetimes. :func:`as_boto3` converts them the way botocore's parser does, walking the
operation's output shape in botocore's own service model, so the transforms see a boto3 response.

A file's name says where it came from and which service answered: ``botocore_<service>_<Operation>_<n>``
or ``awscli_<service>_<command>_<n>`` (aws-cli's ``s3api`` is the ``s3`` service).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.utils import parse_timestamp

__all__ = ["CORPUS", "Published", "as_boto3", "items_at", "load_kind", "service_of"]

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "real" / "aws"
_CLI_SERVICES = {"s3api": "s3"}


@dataclass(frozen=True)
class Published:
    path: Path
    operation: str
    response: Mapping[str, Any]  # as boto3 returns it
    parameters: Mapping[str, Any]


def service_of(path: Path) -> str:
    service = path.name.split("_")[1]
    return _CLI_SERVICES.get(service, service)


@cache
def _operation(service: str, operation: str) -> OperationModel | None:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation) if operation in model.operation_names else None


def _convert(value: Any, shape: Shape) -> Any:
    if shape.type_name == "timestamp" and isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return parse_timestamp(value)  # type: ignore[arg-type]  # botocore takes epoch numbers too
        except ValueError:
            return value  # a typo of the published text ("19:23;32Z") stays as published
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        members = shape.members
        return {k: _convert(v, members[k]) if k in members else v for k, v in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [_convert(v, shape.member) for v in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {k: _convert(v, shape.value) for k, v in value.items()}
    return value


def as_boto3(service: str, operation: str, response: Mapping[str, Any]) -> Mapping[str, Any]:
    """The published response with its timestamps as the datetimes boto3 returns (the output shape decides)."""
    model = _operation(service, operation)
    if model is None or model.output_shape is None:
        return response
    converted = _convert(response, model.output_shape)
    assert isinstance(converted, Mapping)
    return converted


def load_kind(kind: str) -> list[Published]:
    out = []
    for path in sorted((CORPUS / kind).glob("*.json")):
        body = json.loads(path.read_text())
        operation = str(body["operation"])
        response = as_boto3(service_of(path), operation, body["response"])
        out.append(Published(path, operation, response, body.get("parameters", {})))
    return out


def items_at(published: Published, path: str) -> Sequence[Mapping[str, Any]]:
    """The items at ``path`` (``Reservations.Instances``: a list on the way is walked; ``Table``: one item);
    "" is the response. Each item carries the example's parameters (a record set its zone's id)."""
    if not path:
        return [{**published.parameters, **published.response}]
    found: list[Any] = [published.response]
    for key in path.split("."):
        nxt: list[Any] = []
        for value in found:
            inner = value.get(key) if isinstance(value, Mapping) else None
            if inner is not None:
                nxt += inner if isinstance(inner, list) else [inner]
        found = nxt
    return [{**published.parameters, **v} for v in found if isinstance(v, Mapping)]
