"""``tasks mcp``: the vault's tasks for an LLM assistant, over the Model Context Protocol (``server``)."""
