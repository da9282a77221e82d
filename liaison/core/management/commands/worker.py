import logging
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils.translation import gettext as _

from liaison.core.queue import default_queue


class Command(BaseCommand):
    help = (
        "Run the background worker: the queued tasks, and the deadlines sweep every minute. "
        "SIGTERM stops it once its running tasks are done, Ctrl-C at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="Worker threads (default 2).")
        parser.add_argument(
            "--no-periodic",
            dest="periodic",
            action="store_false",
            help="Do not offer the sweep every minute; only run queued tasks.",
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=30.0,
            help="Seconds to let running tasks finish on SIGTERM (default 30).",
        )

    def handle(self, *args, workers, periodic, shutdown_timeout, **options):
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        try:
            queue = default_queue()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        log_to_stdout()

        # Every worker thread has its own database connections: like a request, each task
        # starts and ends by dropping the ones that broke or are too old.
        @queue.pre_execute(name="close_old_connections_before")
        def before(task):
            close_old_connections()

        @queue.post_execute(name="close_old_connections_after")
        def after(task, value, error):
            close_old_connections()

        queue.on_shutdown(name="close_connections")(connections.close_all)

        consumer = queue.create_consumer(
            workers=workers,
            periodic=periodic,
            worker_type="thread",
            graceful_signal="TERM",
            shutdown_timeout=shutdown_timeout,
        )
        consumer.run()


def log_to_stdout() -> None:
    """The worker's whole log on stdout, one timestamped line per record."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s")
    )
    logging.getLogger().handlers = [handler]
