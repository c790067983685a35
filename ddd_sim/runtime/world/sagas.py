"""How process events move a saga row: steps, compensations, timers, outcome.

Statuses: ``running`` until the first compensation starts (a failed step
alone may still be retried by a process manager), then ``compensating``, and
``completed`` or ``compensated`` at the end.  ``abandoned`` (the timeout
monitor gave up) lasts through its compensation; ``ended_at`` tells when it
is over.  ``touched`` lists the steps that took (or may have taken) effect,
in that order: what a correct compensation undoes, in reverse.
"""

from __future__ import annotations

from typing import Any

from ddd_sim.runtime.world import ops
from ddd_sim.runtime.world.model import CompensationRow, SagaRow, StepRow, TimerRow
from ddd_sim.runtime.world.ops import MISSING
from ddd_sim.runtime.world.state import Apply, WorldState


def _saga(
    s: SagaRow,
    *,
    status: str | None = None,
    steps: tuple[StepRow, ...] | None = None,
    compensations: tuple[CompensationRow, ...] | None = None,
    timers: tuple[TimerRow, ...] | None = None,
    ended_at: float | None = None,
    failed: tuple[str | None, str] | None = None,
    touched: tuple[str, ...] | None = None,
) -> SagaRow:
    """The saga with some fields changed (a cheaper ``dataclasses.replace``)."""
    return SagaRow(
        s.id,
        s.kind,
        s.order,
        s.status if status is None else status,
        s.steps if steps is None else steps,
        s.compensations if compensations is None else compensations,
        s.timers if timers is None else timers,
        s.started_at,
        s.ended_at if ended_at is None else ended_at,
        s.failed_step if failed is None else failed[0],
        s.reason if failed is None else failed[1],
        s.touched if touched is None else touched,
        s.plan,
    )


def _with_step(steps: tuple[StepRow, ...], step: StepRow) -> tuple[StepRow, ...]:
    """The steps with this one added, or updated where it stands."""
    for i, old in enumerate(steps):
        if old.name == step.name:
            return (*steps[:i], step, *steps[i + 1 :])
    return (*steps, step)


def _touch(s: SagaRow, step: str) -> tuple[str, ...]:
    return s.touched if step in s.touched else (*s.touched, step)


def _saga_started(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    w.sagas.set(key, v[a])


def _step_started(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    step = StepRow(v[a], "started", t, b)
    w.sagas.set(key, _saga(s, steps=_with_step(s.steps, step)))


def _step_succeeded(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    name = v[a]
    step = StepRow(name, "succeeded", t, b >> 1, bool(b & 1))
    w.sagas.set(key, _saga(s, steps=_with_step(s.steps, step), touched=_touch(s, name)))


def _step_failed(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    name, reason = v[a]
    unknown = bool(b & 1)
    step = StepRow(name, "failed", t, b >> 1, False, unknown)
    # a failure alone is no compensation yet: a process manager may retry
    w.sagas.set(
        key,
        _saga(
            s,
            steps=_with_step(s.steps, step),
            failed=(name, reason),
            touched=_touch(s, name) if unknown else None,
        ),
    )


def _compensating(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    if s.status == "running":
        w.sagas.set(key, _saga(s, status="compensating"))


def _compensated(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    name, step = v[a]
    done = CompensationRow(name, step, t, bool(b))
    w.sagas.set(key, _saga(s, compensations=(*s.compensations, done)))


def _timer(state: str) -> Apply:
    def fold(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
        s = w.sagas.row(key)
        name = v[a]
        old = next((x for x in s.timers if x.name == name), None)
        due = v[b] if b != MISSING else (old.due if old is not None else t)
        timers = tuple(x for x in s.timers if x.name != name)
        w.sagas.set(key, _saga(s, timers=(*timers, TimerRow(name, due, state))))

    return fold


def _abandoned(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    s = w.sagas.row(key)
    # a step still in flight when the process is given up may have acted
    touched = s.touched
    for step in s.steps:
        if step.status == "started" and step.name not in touched:
            touched = (*touched, step.name)
    failed = (s.failed_step, v[a])
    w.sagas.set(key, _saga(s, status="abandoned", failed=failed, touched=touched))


def _completed(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    w.sagas.set(key, _saga(w.sagas.row(key), status="completed", ended_at=t))


def _process_compensated(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    s = w.sagas.row(key)
    # an abandoned process stays abandoned once its compensation is done
    status = "abandoned" if s.status == "abandoned" else "compensated"
    w.sagas.set(key, _saga(s, status=status, ended_at=t, failed=v[a]))


SAGA_FOLDS: dict[int, Apply] = {
    ops.SAGA_STARTED: _saga_started,
    ops.STEP_STARTED: _step_started,
    ops.STEP_SUCCEEDED: _step_succeeded,
    ops.STEP_FAILED: _step_failed,
    ops.COMPENSATION_STARTED: _compensating,
    ops.STEP_COMPENSATED: _compensated,
    ops.TIMER_SCHEDULED: _timer("pending"),
    ops.TIMER_FIRED: _timer("fired"),
    ops.TIMER_CANCELLED: _timer("cancelled"),
    ops.PROCESS_ABANDONED: _abandoned,
    ops.PROCESS_COMPLETED: _completed,
    ops.PROCESS_COMPENSATED: _process_compensated,
}
"""The fold of each process op code."""
