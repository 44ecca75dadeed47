"""PPO with the feed-forward Atari agent: rlpyt's preset and values, in
sections agent, algo, env, model, optim, runner, sampler (see
``rlpyt.experiments.configs``). ``runner.log_interval_steps``, which rlpyt
left at the runner's default, is written out (1e5).

- "0": Adam at 1e-3 decaying linearly, GAE lambda 0.98, 4 epochs of 4
  minibatches on 64 steps x 32 environments, 50M steps.

Every key rlpyt shipped in this module is here.
"""
configs = dict()

configs["0"] = dict(
    agent=dict(),
    algo=dict(discount=0.99, learning_rate=1e-3, value_loss_coeff=1.0, entropy_loss_coeff=0.01,
        clip_grad_norm=1.0, gae_lambda=0.98, linear_lr_schedule=True, minibatches=4, epochs=4),
    env=dict(game="pong"),
    model=dict(),
    optim=dict(),
    runner=dict(n_steps=50e6, log_interval_steps=1e5),
    sampler=dict(batch_T=64, batch_B=32, max_decorrelation_steps=1000),
)
