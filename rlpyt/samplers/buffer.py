"""Building the [T, B] samples buffer from one example step of env and agent."""
from __future__ import annotations

import numpy as np

from rlpyt.agents.base import AgentInputs
from rlpyt.samplers.collections import (AgentSamples, AgentSamplesBsv, BatchSpec,
    EnvSamples, Samples)
from rlpyt.utils.buffer import buffer_from_example, numpify_buffer, torchify_buffer
from rlpyt.utils.collections import AttrDict


def get_example_outputs(agent, env) -> AttrDict:
    """Step ``env`` once with a random action and ``agent`` once on the result;
    the outputs are examples of every field the samples buffer holds."""
    env.reset()
    action = env.action_space.sample()
    observation, reward, done, env_info = env.step(action)
    reward = np.asarray(reward, dtype=np.float32)
    agent.reset()
    agent_inputs = torchify_buffer(AgentInputs(np.asarray(observation), np.asarray(action), reward))
    agent_action, agent_info = agent.step(*agent_inputs)
    agent.reset()
    return AttrDict(observation=observation, reward=reward, done=np.asarray(done, dtype=bool),
        env_info=env_info, action=numpify_buffer(agent_action), agent_info=numpify_buffer(agent_info))


def build_samples_buffer(agent, env, batch_spec: BatchSpec, bootstrap_value: bool = False,
        share_memory: bool = False):
    """The samples buffer as ``(samples_pyt, samples_np, examples)``.

    The torch and numpy buffers share memory: collectors write the numpy one,
    algorithms read the torch one. ``bootstrap_value`` adds the value of the
    observation after the batch ([1, B]) and of the true final observation at
    time-limit truncations ([T, B]).
    """
    examples = get_example_outputs(agent, env)
    T, B = batch_spec
    action = buffer_from_example(examples.action, (T, B), share_memory)
    prev_action = buffer_from_example(examples.action, (T, B), share_memory)
    agent_info = buffer_from_example(examples.agent_info, (T, B), share_memory)
    if bootstrap_value:
        value = examples.agent_info.value
        agent_buffer = AgentSamplesBsv(action=action, prev_action=prev_action, agent_info=agent_info,
            bootstrap_value=buffer_from_example(value, (1, B), share_memory),
            timeout_value=buffer_from_example(value, (T, B), share_memory))
    else:
        agent_buffer = AgentSamples(action=action, prev_action=prev_action, agent_info=agent_info)
    reward = buffer_from_example(examples.reward, (T, B), share_memory)
    env_buffer = EnvSamples(
        observation=buffer_from_example(examples.observation, (T, B), share_memory),
        reward=reward,
        prev_reward=buffer_from_example(examples.reward, (T, B), share_memory),
        done=buffer_from_example(examples.done, (T, B), share_memory),
        env_info=buffer_from_example(examples.env_info, (T, B), share_memory),
        final_observation=buffer_from_example(examples.observation, (T, B), share_memory),
    )
    samples_np = Samples(agent=agent_buffer, env=env_buffer)
    return torchify_buffer(samples_np), samples_np, examples
