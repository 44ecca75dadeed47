"""What the train and launch scripts under rlpyt/experiments/scripts/ share.

A train script is what the launcher runs for each run of a sweep::

    python <train_script> <slot_affinity_code> <log_dir> <run_ID> <config_key>

It names the sampler, collector, environment, algorithm, agent and runner
classes and the preset module it trains with, and ``train_preset`` does the
rest: the config is ``load_config`` (the preset ``configs[config_key]`` with
the variant the launcher saved in ``log_dir``), the sampler, algorithm, agent
and runner are built from its sections, and the runner trains with the
slot's affinity inside ``logger_context``. A launch script names a train
script, a preset key and the variant levels of its sweep, and ``launch`` runs
the sweep through ``run_experiments`` on the cores and GPUs of this machine.
"""
from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

import rlpyt
from rlpyt.runners.minibatch_rl import MinibatchRlEval
from rlpyt.samplers.collections import TrajInfo
from rlpyt.utils.launching.affinity import affinity_from_code, available_cpus, quick_affinity_code
from rlpyt.utils.launching.exp_launcher import SweepSummary, run_experiments
from rlpyt.utils.launching.variant import VariantLevel, load_variant, make_variants, update_config
from rlpyt.utils.logging.context import logger_context

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(rlpyt.__file__)))
NORMALIZED_OBSERVATIONS = VariantLevel([("model", "normalize_observation")], [(True,)], ["TrueNormObs"])
"""rlpyt's MuJoCo sweep axis of one setting: the model normalizes observations."""


def load_config(configs: dict, config_key: str, log_dir: str) -> dict:
    """The preset ``configs[config_key]`` updated with the variant in ``log_dir``;
    an unknown key raises KeyError naming the valid ones."""
    if config_key not in configs:
        raise KeyError(f"config_key {config_key!r} is not a preset of this script; "
                       f"valid keys: {sorted(configs)}")
    return update_config(configs[config_key], load_variant(log_dir))


def env_name(config: dict) -> str:
    """The name a run logs under by default: the Atari game (``env.game``)
    or else the Gymnasium id (``env.id``) of the config's environment."""
    env = config["env"]
    return env["game"] if "game" in env else env["id"]


def train_preset(*, configs: dict, config_key: str, slot_affinity_code: str, log_dir: str, run_ID: str,
                 SamplerCls: type, CollectorCls: type, EnvCls: Callable, AlgoCls: type, AgentCls: type,
                 RunnerCls: type, TrajInfoCls: type = TrajInfo,
                 run_name: Callable[[dict], str] = env_name) -> None:
    """Train one run of a train script: preset ``configs[config_key]`` with
    the variant in ``log_dir`` (``load_config``) builds

    - ``SamplerCls`` of ``EnvCls`` with ``env_kwargs=config["env"]``,
      ``CollectorCls``, ``TrajInfoCls`` and ``config["sampler"]``; evaluation
      environments take the config's ``eval_env`` section, its game set to
      the training game's (rlpyt's Atari fix-up, written back into the
      config), or without that section, when ``RunnerCls`` evaluates
      (a ``MinibatchRlEval``), the training environment's settings;
    - ``AlgoCls`` with ``optim_kwargs=config["optim"]`` and ``config["algo"]``;
    - ``AgentCls`` with ``model_kwargs=config["model"]``, also
      ``q_model_kwargs=config["q_model"]`` where the config has that section
      (DDPG, TD3, SAC), and ``config["agent"]``;
    - ``RunnerCls`` with ``config["runner"]``, the slot's affinity and the
      run_ID as seed (rlpyt's scripts left it random; this way a run is
      repeatable). Without a ``cuda_idx`` in the affinity (a machine
      without GPU) the agent stays on CPU.

    The runner trains logging into ``<log_dir>/run_<run_ID>`` under
    ``run_name(config)``, with the whole config in params.json."""
    config = load_config(configs, config_key, log_dir)
    if "eval_env" in config:
        config["eval_env"]["game"] = config["env"]["game"]
        eval_env_kwargs = config["eval_env"]
    elif issubclass(RunnerCls, MinibatchRlEval):
        eval_env_kwargs = config["env"]
    else:
        eval_env_kwargs = None
    sampler = SamplerCls(EnvCls=EnvCls, env_kwargs=config["env"], CollectorCls=CollectorCls,
                         TrajInfoCls=TrajInfoCls, eval_env_kwargs=eval_env_kwargs, **config["sampler"])
    algo = AlgoCls(optim_kwargs=config["optim"], **config["algo"])
    q_model_kwargs = {"q_model_kwargs": config["q_model"]} if "q_model" in config else {}
    agent = AgentCls(model_kwargs=config["model"], **q_model_kwargs, **config["agent"])
    runner = RunnerCls(algo=algo, agent=agent, sampler=sampler,
                       affinity=affinity_from_code(slot_affinity_code), seed=int(run_ID),
                       **config["runner"])
    with logger_context(log_dir, run_ID, run_name(config), config):
        runner.train()


def local_affinity_code(cpu_per_run: int = 1) -> str:
    """An affinity code for this machine, from ``quick_affinity_code``: one run
    slot per visible GPU (``torch.cuda.device_count()``, at most one per
    ``cpu_per_run`` CPUs) sharing the CPUs, or without GPU one slot per
    ``cpu_per_run`` of the CPUs this process may use (one slot if fewer)."""
    return quick_affinity_code(n_parallel=max(1, len(available_cpus()) // cpu_per_run))


def game_level(games: Sequence[str]) -> VariantLevel:
    """A sweep axis over Atari games (``env.game``), one folder per game."""
    return VariantLevel([("env", "game")], [(game,) for game in games], list(games))


def env_id_level(env_ids: Sequence[str]) -> VariantLevel:
    """A sweep axis over Gymnasium ids (``env.id``), folders ``env_<id>``."""
    return VariantLevel([("env", "id")], [(env_id,) for env_id in env_ids],
                        [f"env_{env_id}" for env_id in env_ids])


def launch(script: str, experiment_title: str, config_key: str,
           variant_levels: Sequence[VariantLevel], runs_per_setting: int = 1,
           cpu_per_run: int = 1, argv: Sequence[str] | None = None) -> SweepSummary:
    """Run ``runs_per_setting`` runs of ``script`` for every variant crossed
    from ``variant_levels``, each with preset ``config_key``, through
    ``run_experiments`` on ``local_affinity_code(cpu_per_run)``. A relative
    ``script`` is taken from the repository root, as rlpyt's launch scripts
    name them, so a launch script works from any folder; runs log under
    ``<data root>/local/<date>/<experiment_title>/``.

    Started again, a launch script continues its newest sweep (finished runs
    skipped, interrupted ones resumed from their checkpoints, a failed run
    retried once); ``--fresh`` on the command line (``argv``, default
    ``sys.argv[1:]``) starts a new sweep folder instead."""
    argv = sys.argv[1:] if argv is None else list(argv)
    unknown = [a for a in argv if a != "--fresh"]
    if unknown:
        raise SystemExit(f"launch: unknown arguments {unknown}; the only option is --fresh")
    variants, log_dirs = make_variants(*variant_levels)
    return run_experiments(script=os.path.join(REPO_ROOT, script),
                           affinity_code=local_affinity_code(cpu_per_run),
                           experiment_title=experiment_title, runs_per_setting=runs_per_setting,
                           variants=variants, log_dirs=log_dirs, common_args=(config_key,),
                           resume="--fresh" not in argv, max_retries=1)
