"""gunicorn settings for production-like serving (``make serve``, ``make bench``).

Sized for a small machine that also runs PostgreSQL: ``WEB_CONCURRENCY`` worker processes
(default: one per core plus one), each with ``GUNICORN_THREADS`` threads (default 2). A thread
waiting for PostgreSQL lets another run Python, and the threaded worker keeps client
connections alive between requests. Override both from the environment on a bigger machine.

Each worker listens on a socket of its own (``SO_REUSEPORT``) when the kernel hands a closing
socket's waiting connections to the others (``net.ipv4.tcp_migrate_req = 1``); see
``reuse_port`` below and docs/operations.md.
"""

import multiprocessing
import os

# HOST may name a Unix socket instead (HOST=unix:/run/apz/gunicorn.sock), for a proxy on the
# same machine.
_host = os.environ.get("HOST", "127.0.0.1")
bind = _host if _host.startswith("unix:") else f"{_host}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# Workers' heartbeat files in memory rather than on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound; rarely, since a
# restart costs a busy worker its warm connections and in-process caches.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "500000"))
max_requests_jitter = max_requests // 10
# One listening socket per worker, so that the kernel spreads new connections evenly. With one
# shared socket, the worker that wakes first takes a burst of new keep-alive connections, and
# one core can end up serving every client while the other idles. Only where
# the kernel moves a closing socket's queued connections to the other sockets
# (net.ipv4.tcp_migrate_req = 1): otherwise a worker's restart (max_requests) would reset the
# connections waiting for it. GUNICORN_REUSE_PORT=1 or 0 overrides; TCP addresses only (with
# --bind on the command line, set GUNICORN_REUSE_PORT to match).


def _kernel_migrates_queued_connections() -> bool:
    try:
        with open("/proc/sys/net/ipv4/tcp_migrate_req") as setting:
            return setting.read().strip() == "1"
    except OSError:
        return False


_reuse_port = os.environ.get("GUNICORN_REUSE_PORT", "auto").strip().lower()
reuse_port = not bind.startswith(("unix:", "fd://")) and (
    _kernel_migrates_queued_connections()
    if _reuse_port in ("", "auto")
    else _reuse_port in ("1", "true", "yes", "on")
)
# Import the app once in the master: workers start (and restart) at once and share its memory.
preload_app = True
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: several servers on one machine would share its default path.
control_socket_disable = True
