"""Security findings: rules as data, evaluated over the graph after each sync, with suppressions."""
