"""The counters of every limit live in one cache shared by all processes: Redis when
CACHE_URL or the queue's QUEUE_URL names one, else files in the data folder."""

import os
import subprocess
import sys

PRINT_CACHE = (
    "from django.conf import settings; c = settings.CACHES['default']; "
    "print(c['BACKEND'], c['LOCATION'])"
)


def liaison_shell(command: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "QUEUE_URL")}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "liaison", "shell", "-v", "0", "-c", command],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_two_processes_count_in_the_same_files(tmp_path):
    data = str(tmp_path)
    assert liaison_shell(PRINT_CACHE, LIAISON_DATA_DIR=data).endswith(f"{data}/cache")
    liaison_shell(
        "from django.core.cache import cache; cache.set('hits', 7)", LIAISON_DATA_DIR=data
    )
    seen = liaison_shell(
        "from django.core.cache import cache; print(cache.get('hits'))", LIAISON_DATA_DIR=data
    )
    assert seen == "7"


def test_the_queue_s_redis_is_the_cache_unless_cache_url_names_another(tmp_path):
    queue = "redis://redis.internal:6379/0"
    with_queue = liaison_shell(PRINT_CACHE, LIAISON_DATA_DIR=str(tmp_path), QUEUE_URL=queue)
    assert with_queue == f"django.core.cache.backends.redis.RedisCache {queue}"
    own = liaison_shell(
        PRINT_CACHE,
        LIAISON_DATA_DIR=str(tmp_path),
        QUEUE_URL=queue,
        CACHE_URL="redis://cache.internal:6379/1",
    )
    assert own.endswith("RedisCache redis://cache.internal:6379/1")
