"""Presets for the Q-function policy-gradient family (DDPG, TD3, SAC) on MuJoCo."""
