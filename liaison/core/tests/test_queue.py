"""Background work goes through huey: queued, deferred, run by a worker, swept once a
minute by one worker at a time, and visible to staff. Each behaviour is checked on the
embedded SQLite queue and on Redis (127.0.0.1:6379; set LIAISON_SKIP_REDIS to skip)."""

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_tasks import TaskResultStatus, task, task_backends

from liaison.core.queue import SWEEP_LOCK, build_queue, queue_status, run_periodic_sweep
from liaison.deadlines import tasks as deadlines_tasks

PROJECT_DIR = Path(__file__).resolve().parents[3]
MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@task()
def note(path: str, text: str) -> str:
    """Append a line to a file: an effect visible from another process."""
    with open(path, "a") as file:
        file.write(text + "\n")
    return text


@task()
def fail() -> None:
    raise ValueError("on purpose")


sweeps = None  # the SweepRecorder of the running test


@task()
def recorded_sweep(now: str | None = None) -> dict:
    return sweeps(now)


class SweepRecorder:
    """Stands in for the deadlines sweep: counts the sweeps, how many ran at once, and
    holds a sweep as long as its gate (by `now`) is closed."""

    def __init__(self):
        self.calls = []
        self.running = 0
        self.most_at_once = 0
        self.gates = {}
        self.started = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, now):
        with self._lock:
            self.calls.append(now)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.started.set()
        gate = self.gates.get(now)
        if gate is not None:
            assert gate.wait(10)
        with self._lock:
            self.running -= 1
        return {}


def use_queue(settings, **options):
    settings.TASKS = {"default": {"BACKEND": "liaison.core.queue.HueyBackend", "OPTIONS": options}}
    return task_backends["default"].huey


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, settings, tmp_path):
    if request.param == "sqlite":
        yield use_queue(settings, queue_url=f"sqlite:///{tmp_path / 'queue.sqlite3'}")
        return
    if os.environ.get("LIAISON_SKIP_REDIS"):
        pytest.skip("LIAISON_SKIP_REDIS is set")
    huey = use_queue(
        settings, queue_url="redis://127.0.0.1:6379/0", name=f"liaisontest{uuid.uuid4().hex}"
    )
    yield huey
    huey.flush()


@pytest.fixture
def other_worker(settings, queue):
    """The same queue as seen by a worker process on another machine."""
    options = settings.TASKS["default"]["OPTIONS"]
    return build_queue(options["queue_url"], name=options.get("name", queue.name))


@pytest.fixture
def recorder(monkeypatch):
    recording = SweepRecorder()
    monkeypatch.setattr(sys.modules[__name__], "sweeps", recording)
    monkeypatch.setattr(deadlines_tasks, "sweep", recorded_sweep)
    return recording


def schedule_due(huey):
    """What the worker's scheduler does every second: queue the deferred tasks now due."""
    for message in huey.read_schedule():
        huey.enqueue(message)


def work_off(huey):
    """What the worker's threads do, until the queue is empty."""
    schedule_due(huey)
    while huey.pending_count():  # (a worker blocks on an empty Redis queue; a test need not)
        huey.execute(huey.dequeue())


def sweep_in_thread(huey, now):
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(ran=run_periodic_sweep(huey, now)))
    thread.start()
    return thread, outcome


def test_a_queued_task_waits_for_a_worker_then_runs(queue, tmp_path):
    out = tmp_path / "out.txt"

    result = note.enqueue(str(out), "hello")

    assert result.status == TaskResultStatus.READY
    assert result.enqueued_at is not None
    assert not out.exists()
    assert queue.pending_count() == 1
    work_off(queue)
    assert out.read_text() == "hello\n"
    assert queue.pending_count() == 0


def test_a_failing_task_does_not_stop_the_worker(queue, tmp_path):
    out = tmp_path / "out.txt"
    fail.enqueue()
    note.enqueue(str(out), "after the failure")

    work_off(queue)

    assert out.read_text() == "after the failure\n"


def test_task_arguments_must_be_json(queue):
    with pytest.raises(TypeError):
        note.enqueue("out.txt", timezone.now())
    assert queue.pending_count() == 0


def test_run_after_defers_a_task_until_it_is_due(queue, tmp_path):
    out = tmp_path / "out.txt"
    with time_machine.travel(MORNING, tick=False):
        note.using(run_after=MORNING + datetime.timedelta(hours=1)).enqueue(str(out), "later")
        work_off(queue)
        assert not out.exists()
        assert (queue.pending_count(), queue.scheduled_count()) == (0, 1)

    with time_machine.travel(MORNING + datetime.timedelta(hours=1, seconds=1), tick=False):
        work_off(queue)

    assert out.read_text() == "later\n"
    assert (queue.pending_count(), queue.scheduled_count()) == (0, 0)


def test_the_status_reports_the_depth_and_the_oldest_wait(queue, tmp_path):
    out = str(tmp_path / "out.txt")
    with time_machine.travel(MORNING, tick=False):
        note.enqueue(out, "first")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=5), tick=False):
        note.enqueue(out, "second")
        note.using(run_after=MORNING + datetime.timedelta(hours=3)).enqueue(out, "at noon")

    with time_machine.travel(MORNING + datetime.timedelta(minutes=10), tick=False):
        status = queue_status(queue)
    assert (status.pending, status.scheduled) == (2, 1)
    assert status.oldest_pending_age == datetime.timedelta(minutes=10)

    with time_machine.travel(MORNING + datetime.timedelta(minutes=11), tick=False):
        work_off(queue)
        assert queue_status(queue).oldest_pending_age is None

    # A deferred task waits from when it is due, not from when it was enqueued.
    with time_machine.travel(MORNING + datetime.timedelta(hours=3, minutes=30), tick=False):
        schedule_due(queue)
        status = queue_status(queue)
    assert (status.pending, status.scheduled) == (1, 0)
    assert status.oldest_pending_age == datetime.timedelta(minutes=30)


def test_in_tests_a_task_runs_at_once_and_reports_how_it_went(tmp_path):
    out = tmp_path / "out.txt"

    done = note.enqueue(str(out), "now")
    failed = fail.enqueue()

    assert out.read_text() == "now\n"
    assert done.status == TaskResultStatus.SUCCESSFUL
    assert done.return_value == "now"
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[0].exception_class is ValueError


def test_the_scheduler_offers_the_sweep_every_minute(queue, recorder):
    for minute in range(3):
        moment = MORNING + datetime.timedelta(minutes=minute)
        with time_machine.travel(moment, tick=False):
            for message in queue.read_periodic(moment.replace(tzinfo=None)):
                queue.enqueue(message)
            work_off(queue)

    assert len(recorder.calls) == 3


def test_the_sweep_runs_once_a_minute_however_many_workers(queue, other_worker, recorder):
    assert run_periodic_sweep(queue, MORNING + datetime.timedelta(seconds=10))
    assert not run_periodic_sweep(other_worker, MORNING + datetime.timedelta(seconds=40))
    assert run_periodic_sweep(other_worker, MORNING + datetime.timedelta(minutes=1, seconds=5))

    assert len(recorder.calls) == 2
    assert queue_status(queue).last_sweep_at == MORNING + datetime.timedelta(minutes=1, seconds=5)


def test_a_sweep_still_running_makes_the_next_minute_skip(queue, other_worker, recorder):
    recorder.gates[MORNING.isoformat()] = gate = threading.Event()
    thread, first = sweep_in_thread(queue, MORNING)
    assert recorder.started.wait(10)

    skipped = run_periodic_sweep(other_worker, MORNING + datetime.timedelta(minutes=1))
    running = queue_status(other_worker).sweep_running
    gate.set()
    thread.join(10)

    assert first == {"ran": True}
    assert not skipped
    assert running
    assert run_periodic_sweep(other_worker, MORNING + datetime.timedelta(minutes=2))
    assert recorder.most_at_once == 1
    assert not queue.is_locked(SWEEP_LOCK)


def test_a_sweep_lock_left_by_a_dead_worker_is_taken_over(queue, other_worker, recorder):
    # The first worker hangs mid-sweep, as if its machine went away.
    recorder.gates[MORNING.isoformat()] = hung = threading.Event()
    thread, _ = sweep_in_thread(queue, MORNING)
    assert recorder.started.wait(10)
    assert not run_periodic_sweep(other_worker, MORNING + datetime.timedelta(minutes=10))

    assert run_periodic_sweep(other_worker, MORNING + datetime.timedelta(minutes=16))

    assert len(recorder.calls) == 2
    # The hung sweep, ending after all, must not free a lock that is no longer its own.
    later = MORNING + datetime.timedelta(minutes=17)
    recorder.gates[later.isoformat()] = gate = threading.Event()
    recorder.started.clear()
    taker, _ = sweep_in_thread(other_worker, later)
    assert recorder.started.wait(10)
    hung.set()
    thread.join(10)
    assert queue.is_locked(SWEEP_LOCK)
    gate.set()
    taker.join(10)
    assert not queue.is_locked(SWEEP_LOCK)


def test_staff_see_the_queue_on_the_admin_home_page(queue, admin_client, tmp_path):
    note.enqueue(str(tmp_path / "out.txt"), "waiting")

    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert response.context["queue"].pending == 1
    assert 'id="queue-module"' in response.content.decode()


def test_the_admin_home_page_shows_when_the_queue_cannot_be_read(settings, admin_client):
    use_queue(settings, queue_url="redis://127.0.0.1:1/0")

    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert response.context["queue"] is None


def test_the_worker_command_runs_queued_tasks_and_stops_on_sigterm(settings, tmp_path):
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    use_queue(settings, queue_url=queue_url)
    out = tmp_path / "out.txt"
    note.enqueue(str(out), "from the worker")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "LIAISON_DATA_DIR": str(tmp_path / "data"),
        "QUEUE_URL": queue_url,
    }

    worker = subprocess.Popen(
        [sys.executable, "-m", "liaison", "worker", "--workers", "2", "--no-periodic"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        log, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()

    assert out.read_text() == "from the worker\n", log
    assert worker.returncode == 0, log
    assert "Consumer exiting" in log
