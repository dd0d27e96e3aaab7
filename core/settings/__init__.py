"""Every setting AI-Discover reads, from the environment, split into one pydantic model per area.

Names are ``AIDISCOVER_<AREA>_<FIELD>`` (or the ``AIDISCOVER_<FIELD>`` a field names) except for the standard
ones other tools share (``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``, ``REDIS_URL``,
``JAVA_HOME`` and the ``AWS_*`` family). Code takes the narrowest area it reads: ``Neo4jSettings`` for the graph
client, ``LlmSettings`` for the LLM client, and so on; only composition roots hold the root ``Settings``.
"""

from core.settings.api import ApiSettings, AuthSettings
from core.settings.base import PROJECT_ROOT, AreaSettings
from core.settings.clouds import AwsSettings, AzureSettings, GcpSettings
from core.settings.cost import CostSettings
from core.settings.llm import LlmSettings
from core.settings.log import LogSettings
from core.settings.root import AREAS, ENV_NAMES, DataDirSettings, SettingDoc, Settings, load_settings, settings_table
from core.settings.services import DEFAULT_NEO4J_PASSWORD, Neo4jSettings, RedisSettings
from core.settings.work import AccountsSettings, IngestSettings, JobsSettings, NotifySettings, RetentionSettings

__all__ = [
    "AREAS",
    "DEFAULT_NEO4J_PASSWORD",
    "ENV_NAMES",
    "PROJECT_ROOT",
    "AccountsSettings",
    "ApiSettings",
    "AreaSettings",
    "AuthSettings",
    "AwsSettings",
    "AzureSettings",
    "CostSettings",
    "DataDirSettings",
    "GcpSettings",
    "IngestSettings",
    "JobsSettings",
    "LlmSettings",
    "LogSettings",
    "Neo4jSettings",
    "NotifySettings",
    "RedisSettings",
    "RetentionSettings",
    "SettingDoc",
    "Settings",
    "load_settings",
    "settings_table",
]
