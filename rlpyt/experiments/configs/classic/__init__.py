"""Presets for classic-control environments (CartPole, Acrobot, Pendulum, ...)."""
