"""Sweeps on local hardware: affinity codes, variants, and the experiment launcher."""
