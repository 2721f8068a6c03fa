"""What the tests share: the server to talk to, fresh names, a TCP proxy that can hold or cut."""

import json
import os
import re
import socket
import subprocess
import threading
import time
import uuid

import tracelake


def target():
    value = os.environ.get("TRACELAKE_TARGET")
    if not value:
        raise RuntimeError("TRACELAKE_TARGET is not set: run these tests through the build"
                           " (PythonClientTest), or point it at a running server")
    return value


def fresh(prefix):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


def connect():
    return tracelake.connect(target())


def wait_for(what, condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting for " + what)
        time.sleep(0.02)


class ServeProcess:
    """``tracelake serve`` in its own process (the command the build hands over), on a port."""

    SERVING = re.compile(r"serving gRPC on [^\s:]+:(\d+)")

    def __init__(self, warehouse, port=0, extra=()):
        command = json.loads(os.environ["TRACELAKE_SERVE_COMMAND"])
        command += ["--warehouse", warehouse, "--host", "127.0.0.1", "--port", str(port),
                    "--openlineage-port", "-1", "--metrics-port", "-1",
                    "--commit-interval-ms", "100"] + list(extra)
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        self.output = []
        found = threading.Event()
        self.port = None

        def drain():
            for line in self.process.stdout:
                self.output.append(line)
                m = self.SERVING.search(line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    found.set()
            found.set()

        self.drain = threading.Thread(target=drain, daemon=True)
        self.drain.start()
        if not found.wait(180) or self.port is None:
            self.kill()
            raise AssertionError("serve did not start:\n" + "".join(self.output[-40:]))

    @property
    def target(self):
        return "127.0.0.1:%d" % self.port

    def kill(self):
        """SIGKILL, as a crashed node."""
        self.process.kill()
        self.process.wait(30)
        self._release()

    def _release(self):
        self.drain.join(10)
        self.process.stdout.close()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
            self._release()


class Proxy:
    """A TCP proxy in front of a server: it can hold responses back and cut every connection."""

    def __init__(self, port):
        self.backend = port
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.held = threading.Event()
        self.held.set()
        self.connections = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def target(self):
        return "127.0.0.1:%d" % self.port

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.backend))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, server]
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source, sink, responses):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if responses:
                    self.held.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def hold_responses(self):
        self.held.clear()

    def release_responses(self):
        self.held.set()

    def sever(self):
        with self.lock:
            for s in self.connections:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.connections = []

    def close(self):
        self.listener.close()
        self.sever()
