"""Q-function policy-gradient algorithms: DDPG, TD3 and SAC."""
