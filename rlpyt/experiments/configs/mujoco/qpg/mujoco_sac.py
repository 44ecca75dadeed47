"""MuJoCo presets for SAC, as ``configs``: name -> nested dict with keys
agent, algo, env, model, q_model, optim, runner, sampler. "sac_1M_serial"
follows the SAC paper (256x256 networks, batch 256, one update per step,
automatic entropy tuning); "sac_fixed_alpha" fixes the temperature at 0.2.
Use with ``update_config`` or copy and edit."""
import copy

configs = dict()

configs["sac_1M_serial"] = dict(
    agent=dict(pretrain_std=0.75),
    algo=dict(discount=0.99, batch_size=256, replay_ratio=256, target_update_tau=0.005,
        target_update_interval=1, learning_rate=3e-4, target_entropy="auto", reparameterize=True,
        min_steps_learn=int(1e4), replay_size=int(1e6), n_step_return=1, bootstrap_timelimit=True),
    env=dict(id="Hopper-v5"),
    model=dict(hidden_sizes=[256, 256]),
    q_model=dict(hidden_sizes=[256, 256]),
    optim=dict(),
    runner=dict(n_steps=int(1e6), log_interval_steps=int(1e4)),
    sampler=dict(batch_T=1, batch_B=1, max_decorrelation_steps=0, eval_n_envs=5,
        eval_max_steps=int(51e3), eval_max_trajectories=50),
)

config = copy.deepcopy(configs["sac_1M_serial"])
config["algo"]["fixed_alpha"] = 0.2
configs["sac_fixed_alpha"] = config
