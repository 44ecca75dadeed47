"""Presets for the policy-gradient family (A2C, PPO) on MuJoCo."""
