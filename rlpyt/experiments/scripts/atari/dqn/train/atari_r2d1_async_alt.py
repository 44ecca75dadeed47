"""R2D1 on Atari, asynchronously with alternating sampling: AsyncRl's sampler
process acts for one half of the environments (on its GPU; CPU without)
while worker processes step the other half, storing the agent's recurrent
states in the shared sequence replay buffer, while the optimizer trains in
the main process; evaluation in the sampler process. The launcher runs

    python atari_r2d1_async_alt.py <slot_affinity_code> <log_dir> <run_ID> <config_key>

with a key of ``rlpyt.experiments.configs.atari.dqn.atari_r2d1`` (e.g.
"async_alt_pabti"; ``batch_B`` even) and an async affinity code
(``encode_affinity(..., async_sample=True)``; with n_gpu=0 a CPU-only one);
evaluation plays the training game with ``eval_env``'s settings.
"""
import sys

from rlpyt.agents.dqn.atari.atari_r2d1_agent import AtariR2d1AlternatingAgent
from rlpyt.algos.dqn.r2d1 import R2D1
from rlpyt.envs.atari.atari_env import AtariEnv, AtariTrajInfo
from rlpyt.experiments.configs.atari.dqn.atari_r2d1 import configs
from rlpyt.experiments.scripts.common import train_preset
from rlpyt.runners.async_rl import AsyncRlEval
from rlpyt.samplers.async_.alternating_sampler import AsyncAlternatingSampler
from rlpyt.samplers.async_.collectors import DbGpuResetCollector


def build_and_train(slot_affinity_code: str, log_dir: str, run_ID: str, config_key: str) -> None:
    """Train one run of preset ``config_key`` through ``train_preset``."""
    train_preset(SamplerCls=AsyncAlternatingSampler, CollectorCls=DbGpuResetCollector, EnvCls=AtariEnv,
                 TrajInfoCls=AtariTrajInfo, AlgoCls=R2D1, AgentCls=AtariR2d1AlternatingAgent,
                 RunnerCls=AsyncRlEval, configs=configs, config_key=config_key,
                 slot_affinity_code=slot_affinity_code, log_dir=log_dir, run_ID=run_ID)


if __name__ == "__main__":
    build_and_train(*sys.argv[1:])
