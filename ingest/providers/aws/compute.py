"""AWS compute and load balancing units, one module per service, combined here.

Order matters only within one worker: Lambda before ELB (target groups point at functions), ELB
before Auto Scaling and ECS (they point at target groups).
"""

from __future__ import annotations

from ingest.providers.aws import (
    compute_autoscaling,
    compute_ecr,
    compute_ecs,
    compute_eks,
    compute_elb,
    compute_lambda,
)
from ingest.providers.aws.unit import AwsUnit

UNITS: tuple[AwsUnit, ...] = (
    *compute_lambda.UNITS,
    *compute_elb.UNITS,
    *compute_autoscaling.UNITS,
    *compute_ecs.UNITS,
    *compute_eks.UNITS,
    *compute_ecr.UNITS,
)
