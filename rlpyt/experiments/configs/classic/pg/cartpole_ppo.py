"""PPO on CartPole-v1 with the serial sampler (rl-baselines3-zoo's hyperparameters).

Each section holds the keyword arguments of one constructor, so a variant
changes any of them by its key path, e.g. ``("algo", "learning_rate")``.
"""
configs = dict(
    ppo_cartpole=dict(
        env=dict(id="CartPole-v1"),
        sampler=dict(batch_T=32, batch_B=8, max_decorrelation_steps=0,
                     eval_n_envs=4, eval_max_steps=2000, eval_max_trajectories=8),
        algo=dict(discount=0.98, learning_rate=1e-3, gae_lambda=0.8, minibatches=1, epochs=20,
                  ratio_clip=0.2, entropy_loss_coeff=0.0, value_loss_coeff=1.0,
                  clip_grad_norm=0.5, normalize_advantage=True),
        agent=dict(model_kwargs=None),
        runner=dict(n_steps=50_000, log_interval_steps=2560),
    ),
)
