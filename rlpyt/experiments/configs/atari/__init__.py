"""Presets for Atari games (AtariEnv)."""
