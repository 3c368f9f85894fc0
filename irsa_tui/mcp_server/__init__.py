"""``irsa-tui mcp``: irsa-tui as a Model Context Protocol server over stdio.

adapter.py is the one module that talks to the engine, the report and the sources;
tools.py holds the tool registry and the tools; server.py builds the SDK server.
Nothing here imports the MCP SDK at package import time: ``irsa-tui --help`` stays light
and the SDK stays an optional extra (``irsa-tui[mcp]``).
"""
