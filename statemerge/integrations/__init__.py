"""Integrations with agent frameworks and tools (optional extras): `langgraph`, `mcp`."""
