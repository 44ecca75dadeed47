"""TD3 on MuJoCo: rlpyt's presets and values, in sections agent, algo, env,
model, q_model, optim, runner, sampler (see ``rlpyt.experiments.configs``).
The network sizes, the agent's noise and ``min_steps_learn`` and
``replay_size``, which rlpyt left at their defaults, are written out.

- "td3_1M_serial": the TD3 paper's settings (400x300 networks, batch 100,
  Adam at 1e-3, policy and target updates every 2nd step, target smoothing
  noise 0.2 clipped at 0.5), one environment, 1M steps. The policy's rate
  is rlpyt's ``learning_rate`` (TD3's ``mu_learning_rate``).
- "td3_serial_bstl": the same, bootstrapping through time limits (the
  algorithm's default here, so the two keys train alike).

Left for later: rlpyt's "async_cpu" (the asynchronous runner does not exist
yet).
"""
import copy

configs = dict()

config = dict(
    agent=dict(action_std=0.1, pretrain_std=0.5, target_noise_std=0.2, target_noise_clip=0.5),
    algo=dict(discount=0.99, batch_size=100, replay_ratio=100, target_update_tau=0.005,
        target_update_interval=2, policy_update_interval=2, learning_rate=1e-3,
        q_learning_rate=1e-3, min_steps_learn=int(1e4), replay_size=int(1e6)),
    env=dict(id="Hopper-v3"),
    model=dict(hidden_sizes=[400, 300]),
    q_model=dict(hidden_sizes=[400, 300]),
    optim=dict(),
    runner=dict(n_steps=1e6, log_interval_steps=1e4),
    sampler=dict(batch_T=1, batch_B=1, max_decorrelation_steps=0, eval_n_envs=6,
        eval_max_steps=int(51e3), eval_max_trajectories=50),
)
configs["td3_1M_serial"] = config

config = copy.deepcopy(configs["td3_1M_serial"])
config["algo"]["bootstrap_timelimit"] = True
configs["td3_serial_bstl"] = config
