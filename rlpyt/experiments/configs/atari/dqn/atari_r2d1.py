"""R2D1 on Atari: rlpyt's presets and values, in sections agent, algo, env,
eval_env, model, optim, runner, sampler (see ``rlpyt.experiments.configs``;
the train script sets ``eval_env``'s game to ``env``'s).

- "r2d1": sequences of 40 burn-in + 80 trained steps, 32 per update, rnn
  state stored every 40 steps, 5-step double-Q targets, prioritized replay
  (alpha 0.9, beta 0.6, input priorities from the second 40-step half),
  Adam at 1e-4, gradient norm clipped at 80, dueling model, unclipped
  rewards, 30 steps x 32 environments, 100M steps. ``replay_size`` (1M)
  is R2D1's default, written out so that a variant can change it.
- "r2d1_long": 4M replay, 64 sequences per update, replay ratio 1,
  per-environment final epsilons from 0.1 down to 0.0005, 40 x 192
  environments, 20G steps, no episodic lives.
- "r2d1_profile", "r2d1_prof_halftrain", "r2d1_prof_quartertrain": 1M-step
  profiling runs of "r2d1_long" training on 64, 32 and 16 sequences.
- "r2d1_long_4tr": "r2d1_long" at replay ratio 4.
- "r2d1_test": a small smoke run (8 x 5 sampling, 16 sequences of 5 + 10 steps).
- "async_gpu", "async_alt_pabti", "async_alt_dgx", "async_alt_got",
  "async_gpu_dgx": rlpyt's sizes for the asynchronous runner (train scripts
  atari_r2d1_async_gpu.py and atari_r2d1_async_alt.py).
"""
import copy

configs = dict()

config = dict(
    agent=dict(),
    model=dict(dueling=True),
    algo=dict(discount=0.997, batch_T=80, batch_B=32, warmup_T=40, store_rnn_state_interval=40,
        replay_ratio=4, learning_rate=1e-4, clip_grad_norm=80.0, min_steps_learn=int(1e5), double_dqn=True,
        prioritized_replay=True, n_step_return=5, pri_alpha=0.9, pri_beta_init=0.6, pri_beta_final=0.6,
        input_priority_shift=2, replay_size=int(1e6)),
    optim=dict(),
    env=dict(game="pong", episodic_lives=True, clip_reward=False, horizon=int(27e3), num_img_obs=4),
    eval_env=dict(game="pong", episodic_lives=False, horizon=int(27e3), clip_reward=False, num_img_obs=4),
    runner=dict(n_steps=100e6, log_interval_steps=1e6),
    sampler=dict(batch_T=30, batch_B=32, max_decorrelation_steps=1000, eval_n_envs=4, eval_max_steps=int(161e3),
        eval_max_trajectories=100),
)
configs["r2d1"] = config

config = copy.deepcopy(configs["r2d1"])
config["algo"].update(replay_size=int(4e6), batch_B=64, replay_ratio=1)
config["agent"].update(eps_final=0.1, eps_final_min=0.0005)
config["runner"].update(n_steps=20e9, log_interval_steps=10e6)
config["sampler"].update(batch_T=40, batch_B=192, eval_n_envs=6, eval_max_steps=int(28e3 * 6))
config["env"]["episodic_lives"] = False
configs["r2d1_long"] = config

config = copy.deepcopy(configs["r2d1_long"])
config["runner"].update(n_steps=1e6, log_interval_steps=1e6)
config["algo"]["min_steps_learn"] = 5e4
config["sampler"]["eval_max_trajectories"] = 2
configs["r2d1_profile"] = config

config = copy.deepcopy(configs["r2d1_profile"])
config["algo"].update(batch_B=32, replay_ratio=0.5)
configs["r2d1_prof_halftrain"] = config

config = copy.deepcopy(configs["r2d1_profile"])
config["algo"].update(batch_B=16, replay_ratio=0.25)
configs["r2d1_prof_quartertrain"] = config

config = copy.deepcopy(configs["r2d1_long"])
config["algo"]["replay_ratio"] = 4
config["sampler"].update(eval_n_envs=12, eval_max_steps=int(28e3 * 12))
configs["r2d1_long_4tr"] = config

config = copy.deepcopy(configs["r2d1_long"])
config["sampler"].update(batch_B=256, batch_T=40, eval_n_envs=20, eval_max_steps=int(28e3 * 20))
config["algo"].update(replay_size=int(4e6), batch_B=64)
configs["async_gpu"] = config

config = copy.deepcopy(configs["r2d1_long"])
config["sampler"].update(batch_B=8, batch_T=5, max_decorrelation_steps=20, eval_n_envs=8,
    eval_max_steps=int(8 * 1.5e3), eval_max_trajectories=8)
config["env"]["episodic_lives"] = True
config["algo"].update(replay_size=int(1e5), batch_B=16, batch_T=10, warmup_T=5, min_steps_learn=1e4,
    eps_steps=1e5, store_rnn_state_interval=5)
config["runner"]["log_interval_steps"] = 1e5
configs["r2d1_test"] = config

for key, batch_B, eval_n_envs, eval_max_trajectories in (("async_alt_pabti", 264, 44, 120),
        ("async_alt_dgx", 312, 78, 210), ("async_alt_got", 252, 36, 100), ("async_gpu_dgx", 312, 39, 210)):
    config = copy.deepcopy(configs["async_gpu"])
    config["sampler"].update(batch_B=batch_B, eval_n_envs=eval_n_envs, eval_max_steps=int(eval_n_envs * 28e3),
        eval_max_trajectories=eval_max_trajectories)
    configs[key] = config
