"""How each typed AWS kind is read from its published payloads (tests/fixtures/real/aws/<kind>), by family.

Part kinds (a security group's rules, an ACL's entries, a policy's statements) are read from their owner's
payloads: ``PARTS`` names the owner.
"""

from __future__ import annotations

from collections.abc import Mapping

from tests.real_payloads import aws_kinds_compute, aws_kinds_data, aws_kinds_edge, aws_kinds_identity, aws_kinds_network
from tests.real_payloads.aws_reading import A, F, R, Reading

__all__ = ["KINDS", "PARTS", "A", "F", "R", "Reading"]

KINDS: Mapping[str, tuple[Reading, ...]] = {
    **aws_kinds_network.KINDS,
    **aws_kinds_compute.KINDS,
    **aws_kinds_data.KINDS,
    **aws_kinds_identity.KINDS,
    **aws_kinds_edge.KINDS,
}

# Part kinds: read from their owner's payloads, which must give at least one row of the part.
PARTS: Mapping[str, str] = {
    "SecurityGroupRule": "SecurityGroup",
    "NetworkAclEntry": "NetworkAcl",
    "IAMPolicyStatement": "IAMPolicy",
}
