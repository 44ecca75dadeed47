"""Presets for the Q-learning family (DQN, CategoricalDQN) on Atari."""
