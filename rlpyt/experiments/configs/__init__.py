"""Tuned presets: <domain>/<family>/<name>.py modules, each a module-level dict `configs`."""
