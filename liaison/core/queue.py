"""Background work: Django's Tasks API on a huey queue.

The queue lives in SQLite in the data folder by default (no other server) and in Redis
when QUEUE_URL is a redis:// URL, so that `liaison worker` processes on several machines
share it. A queued Django task is one huey message naming the task by its module path,
with its arguments as JSON and the time it was enqueued (the admin shows the queue's age).
"""

import datetime
import json
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task_backends
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskContext, TaskError, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued, task_finished, task_started
from django_tasks.utils import get_exception_traceback, get_module_path, normalize_json
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)

QUEUE_NAME = "liaison"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
SQLITE_SCHEME = "sqlite:///"
SWEEP_LOCK = "deadlines-sweep"
LAST_SWEEP_KEY = "deadlines-sweep.last"
# A sweep that has held the lock this long is taken for dead (its worker was killed or its
# machine went away): the next periodic sweep takes the lock over.
SWEEP_LOCK_EXPIRES = datetime.timedelta(minutes=15)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


class Queue(Huey):
    """Huey with Liaison's two huey tasks, whose messages carry the time they were first
    enqueued."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.run_task = self.task(name="run_django_task", context=True)(run_django_task)

        @self.periodic_task(crontab(), name="deadlines_sweep")
        def deadlines_sweep():
            run_periodic_sweep(self)

    def serialize_task(self, task):
        if getattr(task, "enqueued_at", None) is None:
            task.enqueued_at = time.time()
        return self.serializer.serialize((task.enqueued_at, self._registry.create_message(task)))

    def deserialize_task(self, data):
        enqueued_at, message = self.serializer.deserialize(data)
        task = self._registry.create_task(message)
        task.enqueued_at = enqueued_at
        return task


def build_queue(url: str = "", *, name: str = QUEUE_NAME, immediate: bool = False) -> Queue:
    """A huey for QUEUE_URL: empty for SQLite in the data folder, sqlite:///path, or
    redis://host:port/db. `immediate` runs every task at once, in process (for tests)."""
    if immediate:
        # Results are kept (in memory) so that enqueue() can report how the task went.
        return Queue(name, storage_class=MemoryStorage, immediate=True, results=True)
    check_queue_url(url)
    if url.startswith(REDIS_SCHEMES):
        return Queue(name, storage_class=RedisStorage, url=url, results=False)
    path = url.removeprefix(SQLITE_SCHEME) or str(settings.DATA_DIR / "queue.sqlite3")
    return Queue(name, storage_class=SqliteStorage, filename=path, results=False)


def check_queue_url(url: str) -> None:
    if url and not url.startswith((*REDIS_SCHEMES, SQLITE_SCHEME)):
        raise ImproperlyConfigured(
            f"QUEUE_URL must be empty, sqlite:///path or redis://host:port/db, not {url!r}."
        )


_queues: dict[tuple[str, str], Queue] = {}
_queues_lock = threading.Lock()


def get_queue(url: str, name: str = QUEUE_NAME) -> Queue:
    """One huey per queue and process, shared by every thread's backend."""
    with _queues_lock:
        if (url, name) not in _queues:
            _queues[url, name] = build_queue(url, name=name)
        return _queues[url, name]


def default_queue() -> Queue:
    """The queue of the default task backend (what `liaison worker` consumes)."""
    backend = task_backends["default"]
    if not isinstance(backend, HueyBackend):
        raise ImproperlyConfigured("The default task backend is not HueyBackend.")
    return backend.huey


class HueyBackend(BaseTaskBackend):
    """Enqueues Django tasks into huey. OPTIONS (all optional): "queue_url" (default
    settings.QUEUE_URL), "name" (of the queue in its storage), "immediate" (run each task
    at once, in process: tests need no worker)."""

    supports_defer = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.queue_url = self.options.get("queue_url", settings.QUEUE_URL)
        self.queue_name = self.options.get("name", QUEUE_NAME)
        self.immediate = self.options.get("immediate", False)
        check_queue_url(self.queue_url)

    @cached_property
    def huey(self) -> Queue:
        if self.immediate:
            return build_queue(name=self.queue_name, immediate=True)
        return get_queue(self.queue_url, self.queue_name)

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        # Arguments travel as JSON whichever the storage, so a test sees what a worker gets.
        args, kwargs = json.loads(json.dumps([list(args), dict(kwargs)]))
        now = timezone.now()
        message = self.huey.run_task.s(task.module_path, args, kwargs, eta=task.run_after)
        message.enqueued_at = now.timestamp()
        if message.eta is not None and not self.huey.immediate:
            # Straight to the schedule, which the workers' schedulers read every second.
            handle = self.huey.add_schedule(message)
        else:
            handle = self.huey.enqueue(message)
        result = TaskResult(
            task=task,
            id=message.id,
            status=TaskResultStatus.READY,
            enqueued_at=now,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        task_enqueued.send(type(self), task_result=result)
        outcome = handle.get() if handle is not None else None
        if outcome is not None:  # immediate mode, and not deferred: it has run already
            _apply_outcome(result, outcome)
        return result


def run_django_task(module_path: str, args: list, kwargs: dict, task=None) -> dict:
    """The huey task behind every Django task: run it and report how it went. A failure is
    logged (with its traceback) by django_tasks' task_finished receiver."""
    django_task = import_string(module_path)
    started = timezone.now()
    result = TaskResult(
        task=django_task,
        id=task.id,
        status=TaskResultStatus.RUNNING,
        enqueued_at=_from_timestamp(getattr(task, "enqueued_at", None)),
        started_at=started,
        last_attempted_at=started,
        finished_at=None,
        args=args,
        kwargs=kwargs,
        backend=django_task.backend,
        errors=[],
        worker_ids=[WORKER_ID],
    )
    task_started.send(HueyBackend, task_result=result)
    try:
        if django_task.takes_context:
            value = django_task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = django_task.call(*args, **kwargs)
        value = normalize_json(value)
    except Exception as error:
        result.errors.append(
            TaskError(
                exception_class_path=get_module_path(type(error)),
                traceback=get_exception_traceback(error),
            )
        )
        _finish(result, TaskResultStatus.FAILED)
    else:
        object.__setattr__(result, "_return_value", value)
        _finish(result, TaskResultStatus.SUCCESSFUL)
    return {
        "status": result.status.value,
        "started_at": result.started_at.isoformat(),
        "finished_at": result.finished_at.isoformat(),
        "return_value": result._return_value,
        "errors": [[e.exception_class_path, e.traceback] for e in result.errors],
        "worker_ids": result.worker_ids,
    }


def _finish(result: TaskResult, status: TaskResultStatus) -> None:
    object.__setattr__(result, "status", status)
    object.__setattr__(result, "finished_at", timezone.now())
    task_finished.send(HueyBackend, task_result=result)


def _apply_outcome(result: TaskResult, outcome: dict) -> None:
    for field in ("started_at", "finished_at"):
        object.__setattr__(result, field, datetime.datetime.fromisoformat(outcome[field]))
    object.__setattr__(result, "last_attempted_at", result.started_at)
    object.__setattr__(result, "status", TaskResultStatus(outcome["status"]))
    object.__setattr__(result, "_return_value", outcome["return_value"])
    result.worker_ids.extend(outcome["worker_ids"])
    result.errors.extend(
        TaskError(exception_class_path=path, traceback=tb) for path, tb in outcome["errors"]
    )


def _from_timestamp(value: float | None) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromtimestamp(value, datetime.UTC)


# The periodic sweep. Every worker's scheduler offers it once a minute; the lock and the
# time of the last sweep, both kept in the queue's storage, let one worker run it per minute
# and never two at once, across processes and machines.


def run_periodic_sweep(queue: Queue, now: datetime.datetime | None = None) -> bool:
    """Run the deadlines sweep unless another one is still running or another worker has
    already swept this minute. Returns whether it ran."""
    # Named in the settings: core imports no area.
    sweep = import_string(settings.PERIODIC_SWEEP_TASK)

    now = now or timezone.now()
    lock = _take_sweep_lock(queue, now)
    if lock is None:
        logger.info("Sweep skipped: another sweep is still running.")
        return False
    try:
        last = queue.get(LAST_SWEEP_KEY, peek=True)
        if last is not None and last // 60 >= now.timestamp() // 60:
            logger.debug("Sweep skipped: another worker swept this minute.")
            return False
        queue.put(LAST_SWEEP_KEY, now.timestamp())
        sweep.call(now.isoformat())
    finally:
        _release_sweep_lock(queue, lock)
    return True


def _sweep_lock_key(queue: Queue) -> str:
    # huey's own lock key, so queue.is_locked(SWEEP_LOCK) tells whether a sweep is running.
    return f"{queue.name}.lock.{SWEEP_LOCK}"


def _take_sweep_lock(queue: Queue, now: datetime.datetime) -> dict | None:
    key = _sweep_lock_key(queue)
    mine = {"id": uuid.uuid4().hex, "by": WORKER_ID, "at": now.timestamp()}
    if queue.put_if_empty(key, mine):
        return mine
    held = queue.get(key, peek=True)
    if held is None or now.timestamp() - held["at"] < SWEEP_LOCK_EXPIRES.total_seconds():
        return None
    # Its holder died. Several workers may notice at once: only the first to record the
    # takeover of this very lock takes it over (these few records are kept, one per crash).
    if not queue.put_if_empty(f"{key}.taken-over.{held['id']}", mine["id"]):
        return None
    logger.warning(
        "Taking over the sweep lock held by %s since %s.", held["by"], _from_timestamp(held["at"])
    )
    queue.put(key, mine)
    return mine


def _release_sweep_lock(queue: Queue, lock: dict) -> None:
    # Only our own: a sweep that outlived SWEEP_LOCK_EXPIRES may have lost it to another.
    if queue.get(_sweep_lock_key(queue), peek=True) == lock:
        queue.delete(_sweep_lock_key(queue))


@dataclass(frozen=True)
class QueueStatus:
    pending: int
    scheduled: int
    oldest_pending_since: datetime.datetime | None
    last_sweep_at: datetime.datetime | None
    sweep_running: bool
    checked_at: datetime.datetime

    @property
    def oldest_pending_age(self) -> datetime.timedelta | None:
        if self.oldest_pending_since is None:
            return None
        return self.checked_at - self.oldest_pending_since


def queue_status(queue: Queue, sample: int = 100) -> QueueStatus:
    """Tasks waiting to run, tasks scheduled for later, since when the oldest waiting one
    has been waiting (among the next `sample` to run) and when the sweep last ran."""
    now = timezone.now()
    waiting_since = []
    for message in queue.pending(limit=sample):
        since = getattr(message, "enqueued_at", None)
        if since is not None and message.eta is not None:
            # A deferred task waits from when it became due (huey keeps etas in naive UTC).
            since = max(since, message.eta.replace(tzinfo=datetime.UTC).timestamp())
        if since is not None and since <= now.timestamp():
            waiting_since.append(since)
    return QueueStatus(
        pending=queue.pending_count(),
        scheduled=queue.scheduled_count(),
        oldest_pending_since=_from_timestamp(min(waiting_since, default=None)),
        last_sweep_at=_from_timestamp(queue.get(LAST_SWEEP_KEY, peek=True)),
        sweep_running=queue.is_locked(SWEEP_LOCK),
        checked_at=now,
    )
