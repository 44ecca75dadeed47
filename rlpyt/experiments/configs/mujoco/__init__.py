"""Presets for MuJoCo tasks."""
