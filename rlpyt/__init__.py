"""rlpyt: deep reinforcement learning research code in PyTorch."""
