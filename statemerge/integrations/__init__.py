"""Integrations with agent frameworks and tools, each an optional extra: `langgraph`
(`statemerge[langgraph]`) and `mcp` (`statemerge[mcp]`, `statemerge mcp`)."""

__all__: list[str] = []
