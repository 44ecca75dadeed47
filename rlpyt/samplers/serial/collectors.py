"""Evaluation in the main process."""
from __future__ import annotations

import numpy as np

from rlpyt.samplers.collectors import BaseEvalCollector, _env_info_flag, step_envs
from rlpyt.utils.buffer import buffer_from_example, torchify_buffer


class SerialEvalCollector(BaseEvalCollector):
    """Steps the eval environments in the calling process with the agent in
    eval mode; only trajectories that finish count."""

    def collect_evaluation(self, itr: int) -> list:
        """Run up to ``max_T`` steps; returns the completed trajectory infos."""
        traj_infos = [self.TrajInfoCls() for _ in self.envs]
        completed = []
        first = [env.reset() for env in self.envs]
        observation = buffer_from_example(first[0], len(self.envs))
        for b, o in enumerate(first):
            observation[b] = o
        null_action = self.envs[0].action_space.null_value()
        action = buffer_from_example(null_action, len(self.envs))
        reward = np.zeros(len(self.envs), dtype=np.float32)
        obs_pyt, act_pyt, rew_pyt = torchify_buffer((observation, action, reward))
        idle = [False] * len(self.envs)
        self.agent.eval_mode(itr)
        self.agent.reset()
        for _ in range(self.max_T):
            step_action, _info = self.agent.step(obs_pyt, act_pyt, rew_pyt)
            action[:] = step_action.numpy()
            for b, (env, result) in enumerate(zip(self.envs, step_envs(self.envs, action, idle))):
                o, r, d, env_info = result
                traj_infos[b].step(observation[b], action[b], r, d, None, env_info)
                observation[b], reward[b] = o, r
                if d and _env_info_flag(env_info, "traj_done", True):
                    completed.append(traj_infos[b].terminate(o))
                    traj_infos[b] = self.TrajInfoCls()
                    observation[b] = env.reset()
                if d:
                    action[b], reward[b] = null_action, 0.0
                    self.agent.reset_one(idx=b)
            if self.max_trajectories is not None and len(completed) >= self.max_trajectories:
                break
        return completed
