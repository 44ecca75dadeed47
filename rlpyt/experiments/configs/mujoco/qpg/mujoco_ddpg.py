"""MuJoCo presets for DDPG, as ``configs``: name -> nested dict with keys
agent, algo, env, model, q_model, optim, runner, sampler. "ddpg_from_td3"
is DDPG as the TD3 paper ran it (400x300 networks, batch 100). Use with
``update_config`` or copy and edit."""
configs = dict()

configs["ddpg_from_td3"] = dict(
    agent=dict(action_std=0.1),
    algo=dict(discount=0.99, batch_size=100, replay_ratio=100, target_update_tau=0.005,
        target_update_interval=1, policy_update_interval=1, learning_rate=1e-3, q_learning_rate=1e-3,
        min_steps_learn=int(1e4), replay_size=int(1e6), n_step_return=1, bootstrap_timelimit=True),
    env=dict(id="Hopper-v5"),
    model=dict(hidden_sizes=[400, 300]),
    q_model=dict(hidden_sizes=[400, 300]),
    optim=dict(),
    runner=dict(n_steps=int(1e6), log_interval_steps=int(1e4)),
    sampler=dict(batch_T=1, batch_B=1, max_decorrelation_steps=0, eval_n_envs=5,
        eval_max_steps=int(51e3), eval_max_trajectories=50),
)
