"""rlpyt's ``save__init__args``, kept for users' own classes (compatibility).

rlpyt's classes called ``save__init__args(locals())`` as the first line of
``__init__`` to store every constructor argument as an attribute of the same
name. This project's classes assign their attributes explicitly; the helper
stays so that user classes written in rlpyt's style run unchanged.
"""
from __future__ import annotations

import inspect
from typing import Any

_NAMED_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _init_arg_names(cls: type) -> list[str]:
    """Named parameters of ``cls.__init__`` (without ``self``, ``*args``,
    ``**kwargs``); none when ``cls`` does not define ``__init__`` itself or
    it has no introspectable signature (some builtin bases)."""
    init = vars(cls).get("__init__")
    if init is None:
        return []
    try:
        params = list(inspect.signature(init).parameters.values())[1:]
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.kind in _NAMED_KINDS]


def save__init__args(values: dict[str, Any], underscore: bool = False, overwrite: bool = False,
        subclass_only: bool = False) -> None:
    """Store the arguments of the ``__init__`` that calls it on its ``self``.

    ``values`` is that ``__init__``'s ``locals()``. Every named parameter of
    ``__init__`` of each class in ``type(self).__mro__`` (only ``type(self)``
    itself with ``subclass_only``) that appears in ``values`` becomes an
    attribute, named with a leading ``_`` when ``underscore``. An attribute
    already set is kept unless ``overwrite``: a subclass that calls this
    before ``super().__init__()`` keeps its own values.
    """
    self = values["self"]
    classes = type(self).__mro__[:1] if subclass_only else type(self).__mro__
    prefix = "_" if underscore else ""
    for cls in classes:
        for name in _init_arg_names(cls):
            attr = prefix + name
            if name in values and (overwrite or not hasattr(self, attr)):
                setattr(self, attr, values[name])
