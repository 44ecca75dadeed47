"""A [T, B] ring buffer that keeps n-step returns, ``done_n`` and (with time
limits) ``timeout_n`` up to date as samples are appended."""
from __future__ import annotations

import numpy as np

from rlpyt.replays.base import BaseReplayBuffer
from rlpyt.replays.checkpoint import check_arrays, copy_arrays, named_arrays
from rlpyt.utils.buffer import buffer_from_example, numpify_buffer
from rlpyt.utils.checks import check_count


class BaseNStepReturnBuffer(BaseReplayBuffer):
    """Ring buffer of ``size // B`` time steps by ``B`` environments.

    ``example`` is one step of the samples to store (a namedarraytuple with at
    least ``reward`` and ``done``, e.g. ``SamplesToBuffer``). For each stored
    step t the buffer holds

    - ``samples_return_[t]``: sum over i < n of discount^i * reward[t + i],
      stopping after the first done in the window (or before an invalid step);
    - ``samples_done_n[t]``: whether a done lies in steps t .. t + n - 1;
    - ``samples_valid[t]``: whether step t holds a transition (below).

**Validity (waiting environments).** A wait-reset collector leaves a done
environment idle until the end of its batch; those idle steps hold no
transition. The samples mark them: a ``valid`` field (bool [T, B], made once
by ``rlpyt.replays.samples.samples_to_buffer`` with ``valid_from_done``;
absent or None: every step valid, as with mid-batch resets). The buffer keeps
it as ``samples_valid`` and every buffer, sequence buffers included, obeys it
through these methods (ring rows taken modulo T, index arrays broadcast):

- ``valid_at(T_idxs, B_idxs)``: ``samples_valid`` there;
- ``breaks_at(T_idxs, B_idxs)``: done or invalid, i.e. no later step may
  look back across it (previous action and reward, older frames, recurrent
  state);
- ``samplable(T_idxs, B_idxs)``: a transition may be drawn from there: it
  is valid and so is every step its n-step window reads (up to its first
  done) and its target step t + n;
- ``samplable_idxs()``: every samplable entry of ``valid_range()``.

Uniform buffers draw only samplable entries, prioritized buffers give the
others priority zero, returns and ``done_n`` stop before an invalid step and
frame stacks zero the frames at and before a break.

    **Time limits.** When ``example`` has a ``timeout`` field (a Gymnasium
    truncation, never a terminal state) the buffer also holds
    ``samples_timeout_n[t]`` (the first done in the window is a truncation)
    and keeps the true final observation of every truncated step, which the
    sampler passes in the field ``final_observation`` (leave it ``None`` in
    ``example``: it is not stored densely, only at truncations). Batches then
    bootstrap through the truncation from that observation.

    Returns are computed when a window completes, i.e. ``n - 1`` steps late.

    **Checkpoints.** ``checkpoint_state`` returns the cursor and counters and
    the arrays: ``samples.<field>`` (nested fields dotted),
    ``samples_return_``, ``samples_done_n``, with time limits
    ``samples_timeout_n`` and the stored final observations as
    ``samples_valid``, ``final_observation.index`` (flat index ``t * B + b``, int64 [K]) and
    ``final_observation.value`` ([K, *observation shape]). All but the final
    observations are the buffer's own arrays, which ``load_checkpoint_state``
    fills in place. Subclasses add their arrays, counters and settings by
    extending ``_checkpoint_arrays``, ``_checkpoint_scalars``,
    ``_load_checkpoint_scalars`` and ``_checkpoint_config``.
    """

    n_frames = 1  # frames per observation (frame buffers store each frame once)

    def __init__(self, example, size: int, B: int, discount: float = 1.0, n_step_return: int = 1) -> None:
        owner = type(self).__name__
        size = check_count(owner, "size", size, 1)
        B = check_count(owner, "B", B, 1)
        n_step_return = check_count(owner, "n_step_return", n_step_return, 1)
        if not 0 <= discount <= 1:
            raise ValueError(f"{owner}: discount must be in [0, 1], got {discount}")
        for field in ("reward", "done"):
            if getattr(example, field, None) is None:
                raise ValueError(f"{owner}: example needs a '{field}' field, got {example!r}")
        self.T = size // B
        if self.T <= n_step_return + self.off_forward:
            raise ValueError(f"{owner}: size ({size}) must hold more than n_step_return + "
                f"{self.off_forward} = {n_step_return + self.off_forward} time steps of B={B} "
                f"environments")
        self.B = B
        self.size = self.T * B
        self.discount = discount
        self.n_step_return = n_step_return
        self.time_limit = getattr(example, "timeout", None) is not None
        self.samples = buffer_from_example(self.storage_example(example), (self.T, B))
        self.samples_return_ = np.zeros((self.T, B), dtype=np.float32)
        self.samples_done_n = np.zeros((self.T, B), dtype=bool)
        self.samples_valid = np.ones((self.T, B), dtype=bool)
        if self.time_limit:
            self.samples_timeout_n = np.zeros((self.T, B), dtype=bool)
            self._final_observation = {}  # flat index t * B + b of a truncated step -> observation
        self.t = 0  # ring cursor: where the next step goes
        self._total_T = 0  # time steps appended since the start

    @property
    def off_forward(self) -> int:
        """Steps just after the cursor that cannot be sampled: their previous
        action (and for frame buffers their older frames) were overwritten."""
        return max(1, self.n_frames - 1)

    @property
    def full(self) -> bool:
        """Whether the ring has wrapped (every slot holds data)."""
        return self._total_T >= self.T

    def storage_example(self, example):
        """The example of what is stored densely: everything but the final
        observation and the validity mask (kept as ``samples_valid``)."""
        for field in ("final_observation", "valid"):
            if field in getattr(example, "_fields", ()):
                example = example._replace(**{field: None})
        return example

    def final_observation_to_store(self, observation: np.ndarray) -> np.ndarray:
        """What is kept of a truncated step's final observation."""
        return np.array(observation)

    def _final_observation_layout(self) -> tuple[tuple, np.dtype]:
        """Shape and dtype of one kept final observation in a checkpoint."""
        observation = self.samples.observation
        return observation.shape[2:], observation.dtype

    def append_samples(self, samples) -> None:
        """Write a [T, B] batch at the cursor (wrapping around) and complete the
        n-step returns whose windows it finishes."""
        samples = numpify_buffer(samples)
        T = len(samples.reward)
        if T > self.T:
            raise ValueError(f"{type(self).__name__}.append_samples: batch of {T} time steps "
                f"exceeds the buffer's {self.T}")
        if samples.reward.shape[1:] != (self.B,):
            raise ValueError(f"{type(self).__name__}.append_samples: reward has shape "
                f"{samples.reward.shape}; expected [T, B={self.B}]")
        idxs = (self.t + np.arange(T)) % self.T
        self.samples_valid[idxs] = self._valid_of(samples)
        if self.time_limit:
            self._forget_final_observations(idxs)
        self.write_samples(idxs, self._stored_fields(samples))
        if self.time_limit:
            final = samples.final_observation
            if final is None:
                raise ValueError(f"{type(self).__name__}.append_samples: samples with 'timeout' "
                    f"need 'final_observation' (the sampler's samples.env.final_observation)")
            for i, b in zip(*np.nonzero(samples.timeout)):
                self._final_observation[idxs[i] * self.B + b] = self.final_observation_to_store(final[i, b])
        self.t = (self.t + T) % self.T
        old_total = self._total_T
        self._total_T += T
        self.compute_returns(old_total)

    def _valid_of(self, samples) -> np.ndarray | bool:
        """The batch's ``valid`` mask (checked), or True without one."""
        valid = getattr(samples, "valid", None)
        if valid is None:
            return True
        valid = np.asarray(valid)
        if valid.dtype != np.bool_ or valid.shape != samples.reward.shape:
            raise ValueError(f"{type(self).__name__}.append_samples: valid must be bool "
                f"{samples.reward.shape} like reward, got {valid.dtype} {valid.shape}")
        return valid

    def _stored_fields(self, samples):
        """``samples`` as the stored type: a ``valid`` field the storage lacks is dropped."""
        stored = type(self.samples)._fields
        if samples._fields == stored:
            return samples
        missing = [field for field in stored if field not in samples._fields]
        if missing:
            raise ValueError(f"{type(self).__name__}.append_samples: samples lack the field(s) "
                f"{missing} of the buffer's example")
        return type(self.samples)(**{field: getattr(samples, field) for field in stored})

    def valid_at(self, T_idxs, B_idxs) -> np.ndarray:
        """Whether steps ``(T_idxs, B_idxs)`` hold transitions (rows modulo T)."""
        return self.samples_valid[np.asarray(T_idxs) % self.T, B_idxs]

    def breaks_at(self, T_idxs, B_idxs) -> np.ndarray:
        """Whether steps ``(T_idxs, B_idxs)`` are done or invalid: what comes
        after such a step starts afresh and may not read it."""
        T_idxs = np.asarray(T_idxs) % self.T
        return self.samples.done[T_idxs, B_idxs] | ~self.samples_valid[T_idxs, B_idxs]

    def samplable(self, T_idxs, B_idxs) -> np.ndarray:
        """Whether a transition may be drawn at ``(T_idxs, B_idxs)``: the step
        is valid and so is every step its n-step window reads, up to the first
        done, and the target step t + n when the window has no done."""
        T_idxs = np.asarray(T_idxs) % self.T
        ok = self.samples_valid[T_idxs, B_idxs].copy()
        done_before = np.zeros_like(ok)
        for i in range(1, self.n_step_return + 1):
            done_before |= self.samples.done[(T_idxs + i - 1) % self.T, B_idxs]
            ok &= done_before | self.samples_valid[(T_idxs + i) % self.T, B_idxs]
        return ok

    def samplable_idxs(self) -> tuple[np.ndarray, np.ndarray]:
        """``(T_idxs, B_idxs)`` (ring rows) of every samplable entry in ``valid_range()``."""
        low, high = self.valid_range()
        rows = np.arange(low, high) % self.T
        T_idxs, B_idxs = np.nonzero(self.samplable(rows[:, None], np.arange(self.B)[None]))
        return rows[T_idxs], B_idxs

    def write_samples(self, idxs: np.ndarray, samples) -> None:
        """Store one batch at ring rows ``idxs``."""
        self.samples[idxs] = samples

    def _forget_final_observations(self, idxs: np.ndarray) -> None:
        for i, b in zip(*np.nonzero(self.samples.timeout[idxs])):
            self._final_observation.pop(idxs[i] * self.B + b, None)

    def compute_returns(self, old_total: int) -> None:
        """Fill return_, done_n (and timeout_n) of every step whose n-step
        window the last append completed; a window is read up to its first
        done and not from its first invalid step on."""
        n = self.n_step_return
        start = max(old_total - n + 1, 0)
        stop = self._total_T - n + 1
        if stop <= start:
            return
        t = np.arange(start, stop) % self.T
        reward, done = self.samples.reward, self.samples.done
        return_ = reward[t].astype(np.float32)
        done_n = done[t].copy()
        if self.time_limit:
            timeout = self.samples.timeout
            timeout_n = timeout[t].copy()
        all_valid = np.ones_like(done_n)
        for i in range(1, n):
            ti = (t + i) % self.T
            all_valid &= self.samples_valid[ti]
            reading = all_valid & ~done_n
            return_ += (self.discount ** i) * reward[ti] * reading
            if self.time_limit:
                timeout_n |= reading & timeout[ti]
            done_n |= reading & done[ti]
        self.samples_return_[t] = return_
        self.samples_done_n[t] = done_n
        if self.time_limit:
            self.samples_timeout_n[t] = timeout_n

    def valid_range(self) -> tuple[int, int]:
        """``[low, high)`` of the time steps that can be sampled, counted since
        the start (take them modulo T for ring rows): each has its whole n-step
        window and the observation after it stored, and its history (previous
        step, older frames) not yet overwritten."""
        return max(self._total_T - self.T + self.off_forward, 0), self._total_T - self.n_step_return

    def checkpoint_state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """``(small, arrays)``: counters and settings, and the arrays by name
        (see the class docstring)."""
        arrays = self._checkpoint_arrays()
        if self.time_limit:
            arrays.update(self._final_observation_arrays())
        return self._checkpoint_scalars(), arrays

    def load_checkpoint_state(self, small: dict, arrays: dict[str, np.ndarray]) -> None:
        """Restore a ``checkpoint_state`` of a buffer built with the same
        settings; raises ValueError naming the first setting or array that
        does not match (before changing anything)."""
        owner = type(self).__name__
        self._check_config(small.get("config", {}))
        given = dict(arrays)
        final = self._final_observation_from(given) if self.time_limit else None
        targets = self._checkpoint_arrays()
        check_arrays(owner, targets, given)
        copy_arrays(targets, given)
        if final is not None:
            self._final_observation = final
        self._load_checkpoint_scalars(small)

    def _checkpoint_config(self) -> dict:
        """Settings a checkpoint must have been made with to be loaded here."""
        return dict(T=self.T, B=self.B, discount=float(self.discount), n_step_return=self.n_step_return,
            time_limit=self.time_limit, n_frames=self.n_frames)

    def _check_config(self, config: dict) -> None:
        """Raise ValueError naming the first setting ``config`` differs in."""
        for key, value in self._checkpoint_config().items():
            if key not in config or config[key] != value:
                raise ValueError(f"{type(self).__name__}.load_checkpoint_state: the checkpoint "
                    f"has {key}={config.get(key, '<missing>')!r}; this buffer has {key}={value!r}")

    def _checkpoint_scalars(self) -> dict:
        """The checkpoint's ``small`` dict: settings, cursor and counters."""
        return dict(config=self._checkpoint_config(), t=int(self.t), total_T=int(self._total_T))

    def _load_checkpoint_scalars(self, small: dict) -> None:
        """Restore the cursor and counters of ``_checkpoint_scalars``."""
        self.t = int(small["t"])
        self._total_T = int(small["total_T"])

    def _checkpoint_arrays(self) -> dict[str, np.ndarray]:
        """This buffer's own fixed-size arrays, by name."""
        arrays = named_arrays("samples", self.samples)
        arrays["samples_return_"] = self.samples_return_
        arrays["samples_done_n"] = self.samples_done_n
        arrays["samples_valid"] = self.samples_valid
        if self.time_limit:
            arrays["samples_timeout_n"] = self.samples_timeout_n
        return arrays

    def _final_observation_arrays(self) -> dict[str, np.ndarray]:
        """The kept final observations as an index and a stacked value array."""
        index = np.array(sorted(self._final_observation), dtype=np.int64)
        shape, dtype = self._final_observation_layout()
        value = np.empty((len(index),) + shape, dtype=dtype)
        for k, i in enumerate(index):
            value[k] = self._final_observation[i]
        return {"final_observation.index": index, "final_observation.value": value}

    def _final_observation_from(self, arrays: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
        """Take the final observations out of ``arrays`` (checked) as the
        buffer's dict from flat index to observation."""
        owner = type(self).__name__
        for name in ("final_observation.index", "final_observation.value"):
            if name not in arrays:
                raise ValueError(f"{owner}.load_checkpoint_state: array {name!r} is missing from "
                    f"the checkpoint")
        index = arrays.pop("final_observation.index")
        value = arrays.pop("final_observation.value")
        shape, dtype = self._final_observation_layout()
        if index.ndim != 1 or index.dtype != np.int64:
            raise ValueError(f"{owner}.load_checkpoint_state: array 'final_observation.index' "
                f"must be int64 [K], got {index.dtype} {index.shape}")
        if value.shape != (len(index),) + shape or value.dtype != dtype:
            raise ValueError(f"{owner}.load_checkpoint_state: array 'final_observation.value' has "
                f"shape {value.shape} and dtype {value.dtype}; expected {(len(index),) + shape} {dtype}")
        if len(index) and (index.min() < 0 or index.max() >= self.size):
            raise ValueError(f"{owner}.load_checkpoint_state: array 'final_observation.index' "
                f"holds indexes outside [0, {self.size})")
        return {int(i): np.array(v) for i, v in zip(index, value)}
