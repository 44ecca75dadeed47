"""PPO with the feed-forward MuJoCo agent: rlpyt's presets and values, in
sections agent, algo, env, model, optim, runner, sampler (see
``rlpyt.experiments.configs``).

- "ppo_1M_serial": the PPO paper's MuJoCo settings: 10 epochs of 32
  minibatches on 2048 steps of one environment, Adam at 3e-4 decaying
  linearly, GAE lambda 0.95, clip 0.2, 1M steps.
- "ppo_1M_cpu" and "ppo_32ep_1mb": 256 steps x 8 environments, 32 epochs of
  one minibatch. In rlpyt both keys name one dict, changed to one minibatch
  and 32 epochs after "ppo_1M_cpu" was stored, so its runs trained with
  these values; they are kept.

Every key rlpyt shipped in this module is here.
"""
import copy

configs = dict()

config = dict(
    agent=dict(),
    algo=dict(discount=0.99, learning_rate=3e-4, clip_grad_norm=1e6, entropy_loss_coeff=0.0,
        gae_lambda=0.95, minibatches=32, epochs=10, ratio_clip=0.2, normalize_advantage=True,
        linear_lr_schedule=True),
    env=dict(id="Hopper-v3"),
    model=dict(normalize_observation=False),
    optim=dict(),
    runner=dict(n_steps=1e6, log_interval_steps=2048 * 10),
    sampler=dict(batch_T=2048, batch_B=1, max_decorrelation_steps=0),
)
configs["ppo_1M_serial"] = config

config = copy.deepcopy(configs["ppo_1M_serial"])
config["sampler"].update(batch_T=256, batch_B=8)
config["algo"].update(minibatches=1, epochs=32)
configs["ppo_1M_cpu"] = config
configs["ppo_32ep_1mb"] = copy.deepcopy(config)
