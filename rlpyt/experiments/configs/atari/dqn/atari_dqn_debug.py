"""rlpyt's debugging presets for DQN on Atari, with its keys and values, in
the sections of ``atari_dqn``, whose presets they start from.

rlpyt chose a replay buffer and a collector here by name in
``algo.replay_buffer`` and ``sampler.collector``, keywords no constructor
took (no rlpyt script read this module); here they are the constructor
argument they stood for, ``algo.ReplayBufferCls`` (None: DQN's choice):

- "dqn", "double_pri_duel", "catdqn": as in ``atari_dqn``.
- "ernbw": "catdqn" with 3-step returns at 6.25e-5 (in ``atari_dqn`` it
  also has double Q, prioritized replay and a dueling head).
- "reset_collector": equal to "dqn", since DQN here always samples with a
  collector that resets environments mid-batch.
- "monolithic_uniformframe": the uniform frame buffer (each frame stored
  once), which DQN also picks for image observations.
- "uniform_noframe": the plain uniform buffer, which stores every stacked
  observation whole.

Every key rlpyt shipped in this module is here.
"""
import copy

from rlpyt.experiments.configs.atari.dqn.atari_dqn import configs as dqn_configs
from rlpyt.replays.non_sequence.frame import UniformReplayFrameBuffer
from rlpyt.replays.non_sequence.uniform import UniformReplayBuffer

configs = dict()
for key in ("dqn", "double_pri_duel", "catdqn"):
    configs[key] = copy.deepcopy(dqn_configs[key])
    configs[key]["algo"]["ReplayBufferCls"] = None

config = copy.deepcopy(configs["catdqn"])
config["algo"].update(n_step_return=3, learning_rate=6.25e-5)
configs["ernbw"] = config

configs["reset_collector"] = copy.deepcopy(configs["dqn"])

config = copy.deepcopy(configs["dqn"])
config["algo"]["ReplayBufferCls"] = UniformReplayFrameBuffer
configs["monolithic_uniformframe"] = config

config = copy.deepcopy(configs["dqn"])
config["algo"]["ReplayBufferCls"] = UniformReplayBuffer
configs["uniform_noframe"] = config
