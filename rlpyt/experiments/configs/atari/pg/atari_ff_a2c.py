"""A2C with the feed-forward Atari agent: rlpyt's presets and values, in
sections agent, algo, env, model, optim, runner, sampler (see
``rlpyt.experiments.configs``). ``runner.log_interval_steps``, which rlpyt
left at the runner's default, is written out (1e5).

- "0": Adam at 3e-4, 5 steps x 32 environments per batch, 50M steps.
- "low_lr": "0" at 4e-4 (rlpyt's name, though higher than "0").

Left for later: rlpyt's "2gpu" (16 environments per GPU for two SyncRl
replicas; SyncRl does not exist yet).
"""
import copy

configs = dict()

config = dict(
    agent=dict(),
    algo=dict(discount=0.99, learning_rate=3e-4, value_loss_coeff=0.5, entropy_loss_coeff=0.01,
        clip_grad_norm=1.0),
    env=dict(game="pong"),
    model=dict(),
    optim=dict(),
    runner=dict(n_steps=50e6, log_interval_steps=1e5),
    sampler=dict(batch_T=5, batch_B=32, max_decorrelation_steps=1000),
)
configs["0"] = config

config = copy.deepcopy(configs["0"])
config["algo"]["learning_rate"] = 4e-4
configs["low_lr"] = config
