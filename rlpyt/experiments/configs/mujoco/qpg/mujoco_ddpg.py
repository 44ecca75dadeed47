"""DDPG on MuJoCo: rlpyt's presets and values, and this project's
"ddpg_from_td3", in sections agent, algo, env, model, q_model, optim,
runner, sampler (see ``rlpyt.experiments.configs``). The network sizes and
``min_steps_learn`` and ``replay_size``, which rlpyt left at their defaults,
are written out.

- "ddpg_from_td3_1M_serial": DDPG as the TD3 paper ran it (400x300
  networks, batch 100, Adam at 1e-3 for both networks), rlpyt's target
  update tau of 0.01, one environment, 1M steps.
- "ddpg_from_td3_serial_bstl": the same, bootstrapping through time limits
  (the algorithm's default here, so the two keys train alike).
- "ddpg_from_td3" (this project's key): the TD3 paper's tau of 0.005, on
  Hopper-v5.

Left for later: rlpyt's "async_serial" (the asynchronous runner does not
exist yet).
"""
import copy

configs = dict()

config = dict(
    agent=dict(),
    algo=dict(discount=0.99, batch_size=100, replay_ratio=100, target_update_tau=0.01,
        target_update_interval=1, policy_update_interval=1, learning_rate=1e-3, q_learning_rate=1e-3,
        min_steps_learn=int(1e4), replay_size=int(1e6)),
    env=dict(id="Hopper-v3"),
    model=dict(hidden_sizes=[400, 300]),
    q_model=dict(hidden_sizes=[400, 300]),
    optim=dict(),
    runner=dict(n_steps=1e6, log_interval_steps=1e4),
    sampler=dict(batch_T=1, batch_B=1, max_decorrelation_steps=0, eval_n_envs=5,
        eval_max_steps=int(51e3), eval_max_trajectories=50),
)
configs["ddpg_from_td3_1M_serial"] = config

config = copy.deepcopy(configs["ddpg_from_td3_1M_serial"])
config["algo"]["bootstrap_timelimit"] = True
configs["ddpg_from_td3_serial_bstl"] = config

config = copy.deepcopy(configs["ddpg_from_td3_1M_serial"])
config["agent"]["action_std"] = 0.1
config["algo"].update(target_update_tau=0.005, n_step_return=1, bootstrap_timelimit=True)
config["env"]["id"] = "Hopper-v5"
config["runner"].update(n_steps=int(1e6), log_interval_steps=int(1e4))
configs["ddpg_from_td3"] = config
