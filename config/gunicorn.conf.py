"""gunicorn settings for production-like serving (``make serve``, ``make bench``).

Sized for a small machine that also runs PostgreSQL: ``WEB_CONCURRENCY`` worker processes
(default: one per core plus one), each with ``GUNICORN_THREADS`` threads (default 2). A thread
waiting for PostgreSQL lets another run Python, and the threaded worker keeps client
connections alive between requests. Override both from the environment on a bigger machine.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
# Workers' heartbeat files in memory rather than on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so that a slow leak cannot grow without bound.
max_requests = 50000
max_requests_jitter = 5000
# Import the app once in the master: workers start (and restart) at once and share its memory.
preload_app = True
accesslog = None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket: several servers on one machine would share its default path.
control_socket_disable = True
