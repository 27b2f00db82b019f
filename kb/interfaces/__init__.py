"""How people and programs reach kb: the command line, the HTTP service and its page, the MCP server."""
