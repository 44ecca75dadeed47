"""Bare PyTorch loops of each family's gradient update on fixed random
tensors (a helper module of benchmarks/update_speed.py, not a benchmark):
no replay, no framework, the same matrix products as any implementation,
so the ceiling that removing framework overhead can approach. Each
``bare_*`` returns ``(update, gradient steps per call)``."""
from __future__ import annotations

import copy
import math
from typing import Callable

import torch

LR = 3e-4


def mlp(inputs: int, hidden: list, outputs: int, activation=torch.nn.ReLU) -> torch.nn.Sequential:
    """Linear layers of ``hidden`` units with ``activation`` between them."""
    layers, size = [], inputs
    for units in hidden:
        layers += [torch.nn.Linear(size, units), activation()]
        size = units
    return torch.nn.Sequential(*layers, torch.nn.Linear(size, outputs))


def nature_cnn_torso(obs_shape: tuple) -> tuple[torch.nn.Module, int]:
    """``(torso, features)``: the Nature CNN (32 8x8/4, 64 4x4/2, 64 3x3/1,
    then 512 ReLU units) on frames scaled to [0, 1]."""
    c, h, w = obs_shape
    conv = torch.nn.Sequential(torch.nn.Conv2d(c, 32, 8, 4), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 4, 2),
        torch.nn.ReLU(), torch.nn.Conv2d(64, 64, 3, 1), torch.nn.ReLU(), torch.nn.Flatten())
    with torch.no_grad():
        n_flat = conv(torch.zeros(1, c, h, w)).shape[-1]
    return torch.nn.Sequential(conv, torch.nn.Linear(n_flat, 512), torch.nn.ReLU()), 512


def adam(params) -> torch.optim.Adam:
    """Fused Adam, as rlpyt's algorithms use."""
    return torch.optim.Adam(params, lr=LR, fused=True)


def step(optimizer: torch.optim.Optimizer, loss: torch.Tensor, params: list, clip: float) -> None:
    """Backward, gradient-norm clipping, optimizer step."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip)
    optimizer.step()


def bare_ppo(make_torso: Callable | None, obs_shape: tuple, n_actions: int, batch: int, minibatches: int,
        epochs: int, clip_grad_norm: float) -> tuple[Callable, int]:
    """PPO's ``epochs`` x ``minibatches`` clipped-surrogate steps over one
    batch: separate 64x64 tanh MLPs (``make_torso`` None) or a shared
    torso (uint8 frames) with linear policy and value heads."""
    if make_torso is None:
        pi, v = mlp(obs_shape[0], [64, 64], n_actions, torch.nn.Tanh), mlp(obs_shape[0], [64, 64], 1, torch.nn.Tanh)
        modules = torch.nn.ModuleList([pi, v])
        obs = torch.randn(batch, *obs_shape)

        def forward(o):
            return pi(o), v(o).squeeze(-1)
    else:
        torso, features = make_torso(obs_shape)
        pi_head, v_head = torch.nn.Linear(features, n_actions), torch.nn.Linear(features, 1)
        modules = torch.nn.ModuleList([torso, pi_head, v_head])
        obs = torch.randint(0, 256, (batch, *obs_shape), dtype=torch.uint8)

        def forward(o):
            x = torso(o.float() / 255)
            return pi_head(x), v_head(x).squeeze(-1)
    params = list(modules.parameters())
    optimizer = adam(params)
    action, advantage, return_ = torch.randint(n_actions, (batch,)), torch.randn(batch), torch.randn(batch)
    old_log_p = torch.full((batch,), -math.log(n_actions))
    mb = batch // minibatches

    def update():
        for _ in range(epochs):
            perm = torch.randperm(batch) if minibatches > 1 else None  # one minibatch: the whole batch, as ours
            for start in range(0, mb * minibatches, mb):
                idx = slice(None) if perm is None else perm[start:start + mb]
                logits, value = forward(obs[idx])
                log_probs = torch.log_softmax(logits, dim=-1)
                ratio = torch.exp(log_probs.gather(-1, action[idx, None]).squeeze(-1) - old_log_p[idx])
                adv = advantage[idx]
                pi_loss = -torch.min(ratio * adv, ratio.clamp(0.8, 1.2) * adv).mean()
                value_loss = 0.5 * 0.5 * ((value - return_[idx]) ** 2).mean()
                entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
                step(optimizer, pi_loss + value_loss - 0.01 * entropy, params, clip_grad_norm)
    return update, epochs * minibatches


def bare_a2c(obs_size: int, n_actions: int, T: int, B: int, clip_grad_norm: float) -> tuple[Callable, int]:
    """One A2C step on a [T, B] batch: discounted returns bootstrapped from
    the value after the batch, then the policy-gradient and value losses
    (the entropy a diagnostic, as with rl-zoo's ``ent_coef`` 0) of separate
    64x64 tanh policy and value MLPs, clipping, Adam."""
    pi, v = mlp(obs_size, [64, 64], n_actions, torch.nn.Tanh), mlp(obs_size, [64, 64], 1, torch.nn.Tanh)
    params = list(torch.nn.ModuleList([pi, v]).parameters())
    optimizer = adam(params)
    obs, action = torch.randn(T, B, obs_size), torch.randint(n_actions, (T, B))
    reward, not_done, old_value, bootstrap = torch.randn(T, B), torch.ones(T, B), torch.randn(T, B), torch.randn(B)

    def update():
        return_, running = torch.empty(T, B), bootstrap
        for t in reversed(range(T)):
            running = reward[t] + 0.99 * not_done[t] * running
            return_[t] = running
        log_probs = torch.log_softmax(pi(obs), dim=-1)
        value = v(obs).squeeze(-1)
        pi_loss = -(log_probs.gather(-1, action[..., None]).squeeze(-1) * (return_ - old_value)).mean()
        value_loss = 0.5 * 0.5 * ((return_ - value) ** 2).mean()
        entropy = -(log_probs.exp() * log_probs).sum(-1).mean().detach()
        step(optimizer, pi_loss + value_loss, params, clip_grad_norm)
        return entropy
    return update, 1


def bare_dqn(obs_shape: tuple, n_actions: int, batch: int) -> tuple[Callable, int]:
    """One DQN step: Nature CNN Q-network, target network, Huber loss,
    gradient clipping at 10, Adam."""
    torso, features = nature_cnn_torso(obs_shape)
    q_net = torch.nn.Sequential(torso, torch.nn.Linear(features, n_actions))
    target = copy.deepcopy(q_net).requires_grad_(False)
    params = list(q_net.parameters())
    optimizer = adam(params)
    obs, next_obs = (torch.randint(0, 256, (batch, *obs_shape), dtype=torch.uint8) for _ in range(2))
    action, reward, not_done = torch.randint(n_actions, (batch,)), torch.randn(batch), torch.ones(batch)

    def update():
        q = q_net(obs.float() / 255).gather(-1, action[:, None]).squeeze(-1)
        with torch.no_grad():
            y = reward + 0.99 * not_done * target(next_obs.float() / 255).max(dim=-1).values
        step(optimizer, torch.nn.functional.huber_loss(q, y), params, 10.0)
    return update, 1


def bare_sac(obs_size: int, action_size: int, batch: int, hidden: int) -> tuple[Callable, int]:
    """One SAC step: twin Q, tanh-squashed Gaussian policy, learned
    temperature, soft target update; all three losses from the same
    parameters and one backward (as ours and rlpyt's)."""
    pi = mlp(obs_size, [hidden, hidden], 2 * action_size)
    qs = torch.nn.ModuleList([mlp(obs_size + action_size, [hidden, hidden], 1) for _ in range(2)])
    target_qs = copy.deepcopy(qs).requires_grad_(False)
    log_alpha = torch.zeros((), requires_grad=True)
    pi_opt, q_opt, alpha_opt = adam(pi.parameters()), adam(qs.parameters()), adam([log_alpha])
    q_params, target_params = list(qs.parameters()), list(target_qs.parameters())
    pi_params = list(pi.parameters())
    obs, next_obs = torch.randn(batch, obs_size), torch.randn(batch, obs_size)
    action, reward, not_done = torch.rand(batch, action_size) * 2 - 1, torch.randn(batch), torch.ones(batch)

    def sample(observation):
        mean, log_std = pi(observation).chunk(2, dim=-1)
        log_std = log_std.clamp(-20, 2)
        z = mean + log_std.exp() * torch.randn_like(mean)
        log_pi = (-0.5 * ((z - mean) / log_std.exp()) ** 2 - log_std - 0.5 * math.log(2 * math.pi)).sum(-1)
        log_pi = log_pi - (2 * (math.log(2) - z - torch.nn.functional.softplus(-2 * z))).sum(-1)
        return torch.tanh(z), log_pi

    def q_values(models, observation, act):
        x = torch.cat([observation, act], dim=-1)
        return [m(x).squeeze(-1) for m in models]

    def update():
        alpha = log_alpha.exp().detach()
        with torch.no_grad():
            next_action, next_log_pi = sample(next_obs)
            next_q = torch.minimum(*q_values(target_qs, next_obs, next_action)) - alpha * next_log_pi
            y = reward + 0.99 * not_done * next_q
        q_loss = sum(0.5 * ((q - y) ** 2).mean() for q in q_values(qs, obs, action))
        new_action, log_pi = sample(obs)
        qs.requires_grad_(False)
        pi_loss = (alpha * log_pi - torch.minimum(*q_values(qs, obs, new_action))).mean()
        qs.requires_grad_(True)
        alpha_loss = -(log_alpha * (log_pi.detach() - action_size)).mean()
        for optimizer in (q_opt, pi_opt, alpha_opt):
            optimizer.zero_grad(set_to_none=True)
        (q_loss + pi_loss + alpha_loss).backward()
        for optimizer, params in ((q_opt, q_params), (pi_opt, pi_params)):
            torch.nn.utils.clip_grad_norm_(params, 1e9)
            optimizer.step()
        alpha_opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(target_params, q_params, 0.005)
    return update, 1


def bare_td3(obs_size: int, action_size: int, batch: int, hidden: int) -> tuple[Callable, int]:
    """One TD3 critic step (twin Q on the smoothed target action); every
    second step also the policy step and the soft target updates."""
    mu = torch.nn.Sequential(mlp(obs_size, [hidden, hidden], action_size), torch.nn.Tanh())
    qs = torch.nn.ModuleList([mlp(obs_size + action_size, [hidden, hidden], 1) for _ in range(2)])
    target_mu, target_qs = copy.deepcopy(mu).requires_grad_(False), copy.deepcopy(qs).requires_grad_(False)
    mu_opt, q_opt = adam(mu.parameters()), adam(qs.parameters())
    online = list(qs.parameters()) + list(mu.parameters())
    targets = list(target_qs.parameters()) + list(target_mu.parameters())
    obs, next_obs = torch.randn(batch, obs_size), torch.randn(batch, obs_size)
    action, reward, not_done = torch.rand(batch, action_size) * 2 - 1, torch.randn(batch), torch.ones(batch)
    counter = [0]

    def q_values(models, observation, act):
        x = torch.cat([observation, act], dim=-1)
        return [m(x).squeeze(-1) for m in models]

    def update():
        with torch.no_grad():
            noise = (0.2 * torch.randn(batch, action_size)).clamp(-0.5, 0.5)
            next_action = (target_mu(next_obs) + noise).clamp(-1, 1)
            y = reward + 0.99 * not_done * torch.minimum(*q_values(target_qs, next_obs, next_action))
        q_loss = sum(0.5 * ((q - y) ** 2).mean() for q in q_values(qs, obs, action))
        step(q_opt, q_loss, list(qs.parameters()), 1e8)
        counter[0] += 1
        if counter[0] % 2 == 0:
            qs.requires_grad_(False)
            mu_loss = -q_values(qs[:1], obs, mu(obs))[0].mean()
            qs.requires_grad_(True)
            step(mu_opt, mu_loss, list(mu.parameters()), 1e8)
            with torch.no_grad():
                torch._foreach_lerp_(targets, online, 0.005)
    return update, 1
