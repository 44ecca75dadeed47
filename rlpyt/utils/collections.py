"""Named tuples of arrays: the one data structure every part of rlpyt passes around.

A ``namedarraytuple`` is a namedtuple whose fields are arrays (numpy or torch),
``None``, or further namedarraytuples. Indexing it indexes every field, so a
[T, B] batch of nested data can be sliced, written and passed as one object.
"""
from __future__ import annotations

import functools
import sys
from collections import namedtuple
from typing import Iterable


def _caller_module(depth: int = 2) -> str:
    try:
        return sys._getframe(depth).f_globals.get("__name__", "__main__")
    except (AttributeError, ValueError):
        return "__main__"


def _importable(cls: type) -> bool:
    """True when pickle can find ``cls`` by its module and name."""
    module = sys.modules.get(cls.__module__)
    return module is not None and getattr(module, cls.__qualname__, None) is cls


def _rebuild_namedtuple(kind: str, typename: str, fields: tuple, values: tuple):
    return _cached_class(kind, typename, fields)(*values)


def _reduce(self):
    """Pickle by reference when the class is importable, else by its name and
    fields, so that classes made at run time (env infos, buffers made from
    examples) still cross process boundaries under spawn."""
    cls = type(self)
    if _importable(cls):
        return (cls, tuple(self))
    kind = "namedarraytuple" if is_namedarraytuple_class(cls) else "namedtuple"
    return (_rebuild_namedtuple, (kind, cls.__name__, cls._fields, tuple(self)))


def _field_error(typename: str, field: str, err: Exception) -> Exception:
    return type(err)(f"{err} (in {typename} field '{field}')")


def _nat_getitem(self, loc):
    """Index every non-None field with ``loc``; returns the same type."""
    try:
        return self.__class__(*[None if s is None else s[loc] for s in self])
    except (IndexError, TypeError, ValueError, KeyError) as err:
        for field, value in zip(self._fields, self):
            if value is not None:
                try:
                    value[loc]
                except (IndexError, TypeError, ValueError, KeyError) as field_err:
                    raise _field_error(type(self).__name__, field, field_err) from err
        raise


def _nat_setitem(self, loc, value):
    """Write ``value`` at ``loc`` in every non-None field: field by field when
    ``value`` has the same fields, otherwise broadcast to every field."""
    if not (isinstance(value, tuple) and getattr(value, "_fields", None) == self._fields):
        value = tuple(None if s is None else value for s in self)
    for field, dest, src in zip(self._fields, self, value):
        if dest is None or src is None:
            continue
        try:
            dest[loc] = src
        except (IndexError, TypeError, ValueError, KeyError, RuntimeError) as err:
            raise _field_error(type(self).__name__, field, err) from err


def _nat_contains(self, key) -> bool:
    """``"name" in x`` tests for a field name."""
    return key in self._fields


def _nat_get(self, index: int):
    """The field at position ``index`` (what plain tuple indexing would give)."""
    return tuple.__getitem__(self, index)


def _nat_items(self):
    """(field name, value) pairs, like a dict."""
    return zip(self._fields, self)


def _make_namedtuple(typename: str, fields: tuple, module: str):
    cls = namedtuple(typename, fields)
    cls.__module__ = module
    cls.__reduce__ = _reduce
    return cls


def _make_namedarraytuple(typename: str, fields: tuple, module: str):
    base = namedtuple(typename, fields)
    body = {
        "__slots__": (),
        "__module__": module,
        "__getitem__": _nat_getitem,
        "__setitem__": _nat_setitem,
        "__contains__": _nat_contains,
        "__reduce__": _reduce,
        "get": _nat_get,
        "items": _nat_items,
        "_is_namedarraytuple": True,
    }
    return type(typename, (base,), body)


@functools.lru_cache(maxsize=None)
def _cached_class(kind: str, typename: str, fields: tuple):
    make = _make_namedarraytuple if kind == "namedarraytuple" else _make_namedtuple
    return make(typename, fields, __name__)


def _field_tuple(field_names: str | Iterable[str]) -> tuple:
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    return tuple(field_names)


def namedarraytuple(typename: str, field_names: str | Iterable[str],
        return_namedtuple_cls: bool = False, classname_suffix: bool = False):
    """Make a namedtuple class whose instances index and write all fields at once.

    ``x[idx]`` returns the same type with every field indexed; ``x[idx] = y``
    writes field by field when ``y`` has the same fields, or broadcasts ``y``
    into every field; ``None`` fields are skipped. Errors name the field that
    failed. Define such classes at module level so that pickle finds them by
    name; classes made inside functions still pickle, by their fields.
    With ``return_namedtuple_cls`` the plain namedtuple base class is returned
    as well, as ``(NamedTupleCls, NamedArrayTupleCls)``.
    """
    fields = _field_tuple(field_names)
    name = f"{typename}_nat" if classname_suffix else typename
    cls = _make_namedarraytuple(name, fields, _caller_module())
    if return_namedtuple_cls:
        return cls.__bases__[0], cls
    return cls


def picklable_namedtuple(typename: str, field_names: str | Iterable[str]):
    """A namedtuple class that pickles by its fields even when made at run time
    (for field sets only known from data, such as an environment's info keys)."""
    return _cached_class("namedtuple", typename, _field_tuple(field_names))


def is_namedtuple_class(obj) -> bool:
    """True for a namedtuple (or namedarraytuple) class."""
    return isinstance(obj, type) and issubclass(obj, tuple) and hasattr(obj, "_fields")


def is_namedarraytuple_class(obj) -> bool:
    """True for a class made by ``namedarraytuple``."""
    return is_namedtuple_class(obj) and getattr(obj, "_is_namedarraytuple", False)


def is_namedtuple(obj) -> bool:
    """True for an instance of a namedtuple (or namedarraytuple)."""
    return is_namedtuple_class(type(obj))


def is_namedarraytuple(obj) -> bool:
    """True for an instance of a namedarraytuple."""
    return is_namedarraytuple_class(type(obj))


def namedarraytuple_like(namedtuple_or_class, classname_suffix: bool = False):
    """The namedarraytuple class with the name and fields of a namedtuple (class
    or instance). Calls with the same name and fields return the same class."""
    cls = namedtuple_or_class if isinstance(namedtuple_or_class, type) else type(namedtuple_or_class)
    if not is_namedtuple_class(cls):
        raise TypeError(f"namedarraytuple_like: expected a namedtuple class or instance, got {cls.__name__}")
    if is_namedarraytuple_class(cls) and not classname_suffix:
        return cls
    name = f"{cls.__name__}_nat" if classname_suffix else cls.__name__
    return _cached_class("namedarraytuple", name, tuple(cls._fields))


class AttrDict(dict):
    """A dict whose keys are also attributes (``d.key is d["key"]``).

    The instance's attribute dict is the dict itself, so attribute access
    runs at dict speed (it is on the sampler's per-step path in TrajInfo).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.__dict__ = self

    def __setstate__(self, state: dict) -> None:
        """Unpickling skips ``__init__``: make the attribute dict the dict
        itself again, so that attribute writes (``info.Length += 1``) stay
        the dict's items after a round trip through pickle (checkpoints,
        worker processes)."""
        self.__dict__ = self
        self.update(state)

    def copy(self) -> "AttrDict":
        """A shallow copy of the same type."""
        return type(self)(self)
