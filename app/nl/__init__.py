"""Natural-language questions over the graph: the semantic parser first, then an LLM through one read-only safety gate.

``app.nl.pipeline.ask`` is the entry point (GraphQL ``ask``/``askStream`` and ``aidiscover ask`` call it).
"""
