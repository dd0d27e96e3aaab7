"""Discovery jobs and resource history: not resources, so no cleanup scope ever reaches them."""

from __future__ import annotations

from graph.schema.model import NodeKind, Property, RelType

_JOB_COUNTS = (
    Property("nodes", "int", "Nodes in sync: written (new or changed) or found unchanged."),
    Property("edges", "int", "Relationships in sync: written (new or changed) or found unchanged."),
    Property("written", "int", "Nodes and relationships written (new or changed); unchanged ones are not rewritten."),
    Property("removed_nodes", "int", "Stale nodes removed by scoped cleanup."),
    Property("removed_edges", "int", "Stale relationships removed by scoped cleanup."),
    Property("changes", "int", "History records (created/changed/deleted resources) written."),
    Property("warnings", "string[]", "Warnings: refused or unreachable units, rows that did not fit the schema."),
    Property("errors", "string[]", "Errors: what failed, with what to do."),
    Property("started_at", "datetime", "When the work started."),
    Property("finished_at", "datetime", "When the work finished (succeeded or failed)."),
    Property("seconds", "float", "Wall time in seconds."),
)

NODES: tuple[NodeKind, ...] = (
    NodeKind(
        "Job",
        "any",
        "jobs",
        "A discovery job: what was asked, who asked, its status and totals.",
        (
            Property("id", "string", "Job id (a UUID).", indexed=True),
            Property("provider", "string", "aws, azure, gcp or all."),
            Property("scope", "string", "What the job covers: accounts and regions asked for (empty: configured)."),
            Property("started_by", "string", "Who started it: a user, an API key, the CLI, a schedule."),
            Property(
                "status", "string", "queued, running, succeeded, partial (some units failed) or failed.", indexed=True
            ),
            Property("via", "string", "worker (Celery) or local (the CLI process)."),
            Property("created_at", "datetime", "When the job was submitted.", indexed=True),
            Property("heartbeat", "datetime", "Last time a unit of the job reported; a stalled job is failed."),
            Property("generation", "int", "The sync generation every unit of the job writes with."),
            Property("units_total", "int", "Units (provider x account x region x service) planned."),
            Property("units_done", "int", "Units finished (succeeded or failed)."),
            Property("units_failed", "int", "Units that failed (they removed nothing)."),
            *_JOB_COUNTS,
        ),
        resource=False,
        hidden=True,
    ),
    NodeKind(
        "JobUnit",
        "any",
        "jobs",
        "One unit of a job: one service of one account in one region (or one Azure subscription, GCP scope).",
        (
            Property("id", "string", "<job id>/<unit key>."),
            Property("job_id", "string", "The job's id.", indexed=True),
            Property("key", "string", "provider/account/region/service."),
            Property("provider", "string", "aws, azure or gcp."),
            Property("unit_account", "string", "Account, subscription or GCP scope."),
            Property("unit_region", "string", "Region ('global', '*' for every region)."),
            Property("service", "string", "Service or kind group."),
            Property("status", "string", "pending, staged (nodes written), succeeded or failed."),
            Property("attempts", "int", "How many times the unit ran (redeliveries and retries)."),
            Property("anomalies", "int", "Rows or properties rejected because they did not fit the schema."),
            Property("skipped_edges", "int", "Edges not written because an end was missing from the graph."),
            *_JOB_COUNTS,
        ),
        resource=False,
        hidden=True,
    ),
    NodeKind(
        "Change",
        "any",
        "history",
        "One resource created, changed or deleted by a sync; kept after the resource is gone.",
        (
            Property("id", "string", "<resource id>|<generation>|<change>."),
            Property("resource_id", "string", "The resource's id.", indexed=True),
            Property("resource_kind", "string", "The resource's kind (label)."),
            Property("resource_name", "string", "The resource's name when the change was recorded."),
            Property("resource_account", "string", "The resource's account."),
            Property("resource_region", "string", "The resource's region."),
            Property("change", "string", "created, changed or deleted."),
            Property("changed_properties", "string[]", "Names of the properties that changed."),
            Property("old", "string", "JSON object: the changed properties' values before."),
            Property("new", "string", "JSON object: the changed properties' values after."),
            Property("at", "datetime", "When the sync that saw the change ran.", indexed=True),
            Property("generation", "int", "The sync generation that saw it."),
            Property("job_id", "string", "The job that recorded it."),
        ),
        resource=False,
    ),
    NodeKind(
        "ChangeSet",
        "any",
        "history",
        "The change records of one account, region and day, folded from their Change nodes once their job "
        "finished: the same facts as lists by position (record i: resource_ids[i], changes[i], ats[i], olds[i] ...). "
        "An older form holds one job's created resources (change and at on the set, no changes/ats lists).",
        (
            Property(
                "id", "string", "<account>|<region>|<day>|<part> (older form: <job id>|<account>|<region>|created|<n>)."
            ),
            Property("day_key", "string", "<account>|<region>|<day>: the parts of one day share it.", indexed=True),
            Property("day", "string", "The UTC day of its records (YYYY-MM-DD)."),
            Property("part", "int", "Part of the day (a day holds at most 5,000 records a part)."),
            Property("resource_ids", "string[]", "The resources' ids, by position."),
            Property("resource_kinds", "string[]", "The resources' kinds (labels), by position."),
            Property("resource_names", "string[]", "The resources' names when recorded, by position."),
            Property("changes", "string[]", "created, changed or deleted, by position."),
            Property("ats", "datetime[]", "When the sync that saw each change ran, by position."),
            Property("job_ids", "string[]", "The job that recorded each change, by position."),
            Property("olds", "string[]", "JSON objects: the changed properties' values before, by position."),
            Property("news", "string[]", "JSON objects: the changed properties' values after, by position."),
            Property("change", "string", "Older form: created (every record)."),
            Property("resource_account", "string", "The resources' account."),
            Property("resource_region", "string", "The resources' region."),
            Property("count", "int", "How many records the set holds."),
            Property("at", "datetime", "When its earliest record's sync ran.", indexed=True),
            Property("last_at", "datetime", "When its latest record's sync ran."),
            Property("generation", "int", "Older form: the sync generation that saw them (the lists do not keep it)."),
            Property("job_id", "string", "Older form: the job that recorded them."),
        ),
        resource=False,
    ),
    NodeKind(
        "SyncScope",
        "any",
        "jobs",
        "When a sync last saw each label of one provider, account and region whole (properties seen.<Label> and "
        "sync.<Label>): a node's last sighting is the later of its own last_seen and its scope's stamp.",
        (
            Property("id", "string", "provider|account|region (provider|account|region|labels: an older form)."),
            Property("provider", "string", "aws, azure or gcp."),
            Property("account", "string", "Account, subscription or GCP scope.", indexed=True),
            Property("region", "string", "Region ('*' for every region)."),
            Property("labels", "string[]", "The node labels stamped."),
            Property("last_seen", "datetime", "The older per-unit form: when the last sync of its labels finished."),
            Property("last_sync", "int", "The older per-unit form: generation of that sync."),
        ),
        resource=False,
        hidden=True,
    ),
)

RELATIONSHIPS: tuple[RelType, ...] = (RelType("HAS_UNIT", "Job", "JobUnit", "A job's units."),)
