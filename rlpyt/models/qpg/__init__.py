"""Models for Q-function policy-gradient agents (DDPG, TD3, SAC)."""
