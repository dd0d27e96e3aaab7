"""The bottom layer: what every other package may use and that uses none of them.

- ``core.errors``: the one error tree (every failure a user can see is an ``AIDiscoverError``);
- ``core.settings``: settings read from the environment;
- ``core.logs`` and ``core.context``: logging set-up, and the request and job ids each log line carries;
- ``core.counters``: deployment-wide counters kept in Redis (``app`` exposes them at ``/metrics``).
"""
