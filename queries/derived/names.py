"""Whether an IAM resource pattern names a resource, rather than matching it by wildcard."""

from __future__ import annotations

__all__ = ["names_resource"]


def names_resource(pattern: str, resource_id: str) -> bool:
    """Whether an IAM resource pattern names this resource without wildcards (an S3 object pattern names its
    bucket)."""
    text = pattern
    if text.startswith("arn:aws:s3:::") and "/" in text:
        text = text.split("/", 1)[0]
    return "*" not in text and "?" not in text and text == resource_id
