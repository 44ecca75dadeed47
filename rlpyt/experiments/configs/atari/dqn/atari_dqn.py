"""DQN and categorical DQN on Atari: rlpyt's presets and values, in sections
agent, algo, env, eval_env, model, optim, runner, sampler (see
``rlpyt.experiments.configs``; the train scripts set ``eval_env``'s game to
``env``'s). The DQN train scripts (synchronous and async) take every key
but "rainbow"; the categorical one (atari_catdqn_gpu) takes every key, as
in rlpyt ("catdqn", "ernbw").

- "dqn": Adam at 1e-4, batch 128, 1M replay, learning from 50k steps, 2 steps
  x 16 environments, 50M steps, evaluated every 1M steps.
- "double", "prioritized", "dueling": one extension each;
  "double_pri_duel": all three.
- "catdqn": "dqn" at 2.5e-4, for the categorical (C51) train script.
- "ernbw": "double_pri_duel" with 3-step returns at 6.25e-5 (rlpyt's
  "rainbow" without noisy nets), for the categorical train script.
- "rmsprop": RMSprop (alpha 0.95, eps 1e-6) at 2.5e-4 for 15M steps. rlpyt's
  scripts never set ``OptimCls``, so its key gave RMSprop's keywords to Adam
  and failed; here ``algo.OptimCls`` is RMSprop.
- "fast_log", "short_run": 15M steps (fast_log logs every 100k steps with a
  shorter evaluation); "no_eval": no evaluation, logs every 100k steps.
- "serial" (8 steps x 2 environments), "cpu" (4 x 4): batch shapes for
  those samplers.
- "debug": a 30k-step smoke run with a 10k replay; "debug_vec_eps": the same
  on 4 x 4 with per-environment epsilons down to 0.001.
- "rainbow" (this project's key, kept beside rlpyt's "ernbw"): C51 with
  double Q, dueling, prioritized replay (alpha 0.5) and 3-step returns at the
  Rainbow paper's values (batch 32, Adam eps 1.5e-4, learning from 80k
  steps, target update every 2000 updates), for the categorical script only.

- "async_big": 4 steps x 256 environments, uniform replay, 10 evaluation
  environments, for the asynchronous train scripts (atari_dqn_async_*; rlpyt
  set ``eval_n_envs`` outside the sampler section, where no script read it;
  here it is the sampler's).
"""
import copy

import torch

configs = dict()

config = dict(
    agent=dict(),
    algo=dict(discount=0.99, batch_size=128, learning_rate=1e-4, clip_grad_norm=10.0,
        min_steps_learn=int(5e4), double_dqn=False, prioritized_replay=False, n_step_return=1,
        replay_size=int(1e6)),
    env=dict(game="pong", episodic_lives=True),
    eval_env=dict(game="pong", episodic_lives=False, horizon=int(27e3)),
    model=dict(dueling=False),
    optim=dict(),
    runner=dict(n_steps=50e6, log_interval_steps=1e6),
    sampler=dict(batch_T=2, batch_B=16, max_decorrelation_steps=1000, eval_n_envs=4,
        eval_max_steps=int(125e3), eval_max_trajectories=100),
)
configs["dqn"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"]["double_dqn"] = True
configs["double"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"]["prioritized_replay"] = True
configs["prioritized"] = config

config = copy.deepcopy(configs["dqn"])
config["model"]["dueling"] = True
configs["dueling"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"].update(double_dqn=True, prioritized_replay=True)
config["model"]["dueling"] = True
configs["double_pri_duel"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"]["learning_rate"] = 2.5e-4
configs["catdqn"] = config

config = copy.deepcopy(configs["double_pri_duel"])
config["algo"].update(n_step_return=3, learning_rate=6.25e-5)
configs["ernbw"] = config

config = copy.deepcopy(configs["dqn"])
config["optim"] = dict(alpha=0.95, eps=1e-6)
config["algo"].update(learning_rate=2.5e-4, OptimCls=torch.optim.RMSprop)
config["runner"]["n_steps"] = 15e6
configs["rmsprop"] = config

config = copy.deepcopy(configs["dqn"])
config["runner"].update(n_steps=15e6, log_interval_steps=1e5)
config["sampler"].update(eval_max_steps=70e3, eval_max_trajectories=50)
configs["fast_log"] = config

config = copy.deepcopy(configs["dqn"])
config["runner"]["n_steps"] = 15e6
configs["short_run"] = config

config = copy.deepcopy(configs["dqn"])
config["sampler"]["eval_n_envs"] = 0
config["runner"]["log_interval_steps"] = int(1e5)
configs["no_eval"] = config

config = copy.deepcopy(configs["dqn"])
config["sampler"].update(batch_T=8, batch_B=2)
configs["serial"] = config

config = copy.deepcopy(configs["dqn"])
config["sampler"].update(batch_T=4, batch_B=4)
configs["cpu"] = config

config = copy.deepcopy(configs["dqn"])
config["sampler"].update(batch_T=8, batch_B=2, max_decorrelation_steps=20, eval_max_steps=8e3,
    eval_max_trajectories=4)
config["runner"].update(n_steps=3e4, log_interval_steps=1e4)
config["algo"].update(min_steps_learn=1e4, replay_size=1e4, eps_steps=2e4)
configs["debug"] = config

config = copy.deepcopy(configs["debug"])
config["sampler"].update(batch_T=4, batch_B=4)
config["agent"]["eps_final_min"] = 0.001
configs["debug_vec_eps"] = config

config = copy.deepcopy(configs["dqn"])
config["agent"].update(eps_init=1.0, eps_final=0.01, eps_eval=0.001, n_atoms=51)
config["algo"].update(batch_size=32, learning_rate=6.25e-5, target_update_interval=2000,
    min_steps_learn=int(8e4), double_dqn=True, prioritized_replay=True, pri_alpha=0.5,
    pri_beta_init=0.4, pri_beta_final=1.0, pri_beta_steps=int(50e6), n_step_return=3,
    replay_ratio=8, eps_steps=int(1e6), V_min=-10.0, V_max=10.0)
config["model"]["dueling"] = True
config["optim"] = dict(eps=1.5e-4)
config["sampler"]["eval_n_envs"] = 10
configs["rainbow"] = config

config = copy.deepcopy(configs["dqn"])
config["sampler"]["batch_T"] = 4
config["sampler"]["batch_B"] = 256
config["sampler"]["eval_n_envs"] = 10
config["algo"]["prioritized_replay"] = False
configs["async_big"] = config
