"""rlpyt's train and launch scripts: ``<domain>/<family>/train/*.py`` and
``<domain>/<family>/launch/launch_*.py``, with what they share in ``common``."""
