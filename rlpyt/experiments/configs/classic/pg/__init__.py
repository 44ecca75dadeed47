"""Policy-gradient presets for classic control."""
