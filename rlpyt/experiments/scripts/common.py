"""What the train and launch scripts under rlpyt/experiments/scripts/ share.

A train script is what the launcher runs for each run of a sweep::

    python <train_script> <slot_affinity_code> <log_dir> <run_ID> <config_key>

It builds a sampler, an algorithm and an agent from a preset: the config is
``load_config`` (the preset ``configs[config_key]`` with the variant the
launcher saved in ``log_dir``), and ``train`` builds the runner with the
slot's affinity and runs it inside ``logger_context``. A launch script names
a train script, a preset key and the variant levels of its sweep, and
``launch`` runs the sweep through ``run_experiments`` on the cores and GPUs
of this machine.
"""
from __future__ import annotations

import os
import sys
from typing import Sequence

import rlpyt
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


def train(RunnerCls, algo, agent, sampler, config: dict, name: str, slot_affinity_code: str,
          log_dir: str, run_ID: str) -> None:
    """Build ``RunnerCls`` from ``config["runner"]`` with the slot's affinity
    and the run_ID as seed (rlpyt's scripts left it random; this way a run is
    repeatable), and train it logging into ``<log_dir>/run_<run_ID>`` under
    ``name``, with the whole config in params.json. Without a ``cuda_idx`` in
    the affinity (a machine without GPU) the agent stays on CPU."""
    runner = RunnerCls(algo=algo, agent=agent, sampler=sampler,
                       affinity=affinity_from_code(slot_affinity_code), seed=int(run_ID),
                       **config["runner"])
    with logger_context(log_dir, run_ID, name, config):
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
