"""Atari presets for the Q-learning family (rlpyt's values), as ``configs``:
name -> nested dict with keys agent, algo, env, eval_env, model, optim,
runner, sampler. "dqn" is the Nature DQN; "double", "prioritized" and
"dueling" add one extension each; "catdqn" is C51; "rainbow" is C51 with
double Q, dueling, prioritized replay and 3-step returns (no noisy nets).
Use with ``update_config`` or copy and edit."""
import copy

configs = dict()

config = dict(
    agent=dict(eps_init=1.0, eps_final=0.01, eps_eval=0.001),
    algo=dict(
        discount=0.99,
        batch_size=32,
        learning_rate=2.5e-4,
        target_update_interval=312,
        clip_grad_norm=10.0,
        min_steps_learn=int(5e4),
        double_dqn=False,
        prioritized_replay=False,
        n_step_return=1,
        replay_size=int(1e6),
        replay_ratio=8,
        eps_steps=int(1e6),
    ),
    env=dict(game="pong", episodic_lives=True),
    eval_env=dict(game="pong", episodic_lives=False, horizon=int(27e3)),
    model=dict(dueling=False),
    optim=dict(),
    runner=dict(n_steps=int(50e6), log_interval_steps=int(1e6)),
    sampler=dict(
        batch_T=2,
        batch_B=16,
        max_decorrelation_steps=1000,
        eval_n_envs=10,
        eval_max_steps=int(125e3),
        eval_max_trajectories=100,
    ),
)
configs["dqn"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"]["double_dqn"] = True
configs["double"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"].update(prioritized_replay=True, pri_alpha=0.6, pri_beta_init=0.4, pri_beta_final=1.0,
    pri_beta_steps=int(50e6))
configs["prioritized"] = config

config = copy.deepcopy(configs["double"])
config["model"]["dueling"] = True
config["algo"]["clip_grad_norm"] = 10.0
configs["dueling"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"].update(learning_rate=2.5e-4, V_min=-10.0, V_max=10.0, optim_kwargs=dict(eps=0.01 / 32))
config["agent"]["n_atoms"] = 51
config["model"] = dict(dueling=False)
configs["catdqn"] = config

config = copy.deepcopy(configs["catdqn"])
config["algo"].update(double_dqn=True, prioritized_replay=True, pri_alpha=0.5, pri_beta_init=0.4,
    pri_beta_final=1.0, pri_beta_steps=int(50e6), n_step_return=3, learning_rate=6.25e-5,
    optim_kwargs=dict(eps=1.5e-4), min_steps_learn=int(8e4), target_update_interval=2000)
config["model"]["dueling"] = True
configs["rainbow"] = config
