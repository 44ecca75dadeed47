"""SAC on MuJoCo: rlpyt's presets and values, and this project's
"sac_fixed_alpha", in sections agent, algo, env, model, q_model, optim,
runner, sampler (see ``rlpyt.experiments.configs``). The network sizes,
``pretrain_std``, ``min_steps_learn``, ``replay_size`` and
``n_step_return``, which rlpyt left at their defaults, are written out.

- "sac_1M_serial": the SAC paper's settings (256x256 networks, batch 256,
  one update per step, Adam at 3e-4, automatic entropy tuning), one
  environment, 1M steps.
- "sac_serial_bstl": the same, bootstrapping through time limits (the
  algorithm's default here, so the two keys train alike).
- "sac_fixed_alpha" (this project's key): "sac_1M_serial" with the
  temperature fixed at 0.2.

Left for later: nothing; rlpyt's "async_gpu" belongs to mujoco_sac_v (SAC
with a value network), which is out of scope.
"""
import copy

configs = dict()

config = dict(
    agent=dict(pretrain_std=0.75),
    algo=dict(discount=0.99, batch_size=256, replay_ratio=256, target_update_tau=0.005,
        target_update_interval=1, learning_rate=3e-4, reparameterize=True, reward_scale=1,
        target_entropy="auto", min_steps_learn=int(1e4), replay_size=int(1e6), n_step_return=1),
    env=dict(id="Hopper-v3"),
    model=dict(hidden_sizes=[256, 256]),
    q_model=dict(hidden_sizes=[256, 256]),
    optim=dict(),
    runner=dict(n_steps=1e6, log_interval_steps=1e4),
    sampler=dict(batch_T=1, batch_B=1, max_decorrelation_steps=0, eval_n_envs=4,
        eval_max_steps=int(51e3), eval_max_trajectories=50),
)
configs["sac_1M_serial"] = config

config = copy.deepcopy(configs["sac_1M_serial"])
config["algo"]["bootstrap_timelimit"] = True
configs["sac_serial_bstl"] = config

config = copy.deepcopy(configs["sac_1M_serial"])
config["algo"]["fixed_alpha"] = 0.2
configs["sac_fixed_alpha"] = config
