"""A TCP proxy that a test can stop and start again: a server that goes away and comes back.

While stopped, the port refuses connections and every connection through it is cut, as when a
database server stops; started again, it listens on the same port. The server behind it is a
host and port, or, as PostgreSQL names a Unix socket, a folder (a host starting with "/") and a
port.
"""

import contextlib
import selectors
import socket
import threading

BUFFER_SIZE = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener = None
        self._stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        listener.settimeout(0.1)
        self._listener = listener
        self._stopping.clear()
        self._spawn(self._accept, listener)

    def stop(self):
        """Refuse new connections and cut the open ones."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept(self, listener):
        while not self._stopping.is_set():
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = self._connect_upstream()
            with self._lock:
                self._open |= {client, upstream}
            self._spawn(self._pump, client, upstream)

    def _connect_upstream(self) -> socket.socket:
        host, port = self.target
        if not host.startswith("/"):
            return socket.create_connection(self.target)
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        upstream.connect(f"{host}/.s.PGSQL.{port}")
        return upstream

    def _pump(self, client, upstream):
        selector = selectors.DefaultSelector()
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        try:
            while not self._stopping.is_set():
                for key, _events in selector.select(timeout=0.1):
                    data = key.fileobj.recv(BUFFER_SIZE)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            with self._lock:
                for sock in (client, upstream):
                    self._open.discard(sock)
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    sock.close()
