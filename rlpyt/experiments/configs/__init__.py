"""Tuned presets: <domain>/<family>/<name>.py modules, each a module-level dict `configs`.

``configs`` maps a preset key to a dict of sections, each the keyword
arguments of one constructor, as rlpyt's train scripts read them: ``agent``,
``algo``, ``sampler`` and ``runner`` go to their classes, ``env`` (and
``eval_env`` where present) to the environment, ``model`` (and ``q_model``)
to the agent as ``model_kwargs`` (``q_model_kwargs``), ``optim`` to the
algorithm as ``optim_kwargs``. A launch variant changes any value by its key
path, e.g. ``("algo", "learning_rate")``; ``update_config`` refuses a path
the preset lacks, so values a variant may want to change are written out
even where they equal a constructor's default. MuJoCo presets keep rlpyt's
environment ids ("Hopper-v3"); ``rlpyt.envs.gym.make`` runs them as the
current Gymnasium version.
"""
