"""A2C with the recurrent (LSTM) Atari agent: rlpyt's presets and values, in
sections agent, algo, env, model, optim, runner, sampler (see
``rlpyt.experiments.configs``). ``runner.log_interval_steps``, which rlpyt
left at the runner's default, is written out (1e5).

- "0": one frame per observation (the LSTM remembers), 20 steps x 32
  environments, Adam at 3e-4, 50M steps.
- "4frame": four stacked frames, 5 steps x 16 environments, Adam at 1e-4.
- "like_ff": "4frame" with 32 environments at 7e-4, as the feed-forward agent.

Every key rlpyt shipped in this module is here.
"""
import copy

configs = dict()

config = dict(
    agent=dict(),
    algo=dict(discount=0.99, learning_rate=3e-4, value_loss_coeff=0.5, entropy_loss_coeff=0.01,
        clip_grad_norm=1.0),
    env=dict(game="pong", num_img_obs=1),
    model=dict(),
    optim=dict(),
    runner=dict(n_steps=50e6, log_interval_steps=1e5),
    sampler=dict(batch_T=20, batch_B=32, max_decorrelation_steps=1000),
)
configs["0"] = config

config = copy.deepcopy(configs["0"])
config["env"]["num_img_obs"] = 4
config["sampler"].update(batch_T=5, batch_B=16)
config["algo"]["learning_rate"] = 1e-4
configs["4frame"] = config

config = copy.deepcopy(configs["4frame"])
config["algo"].update(learning_rate=7e-4, clip_grad_norm=1.0)
config["sampler"]["batch_B"] = 32
configs["like_ff"] = config
