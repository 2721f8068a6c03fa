"""Resend on reconnect, as the Java client does: lost acknowledgements, cut connections, and a
server killed with SIGKILL and started again."""

import json
import os
import tempfile
import threading
import unittest

import tracelake
from tests import support


class ReconnectTest(unittest.TestCase):
    def test_lost_acknowledgements_are_answered_from_the_original_commit_exactly_once(self):
        direct = support.connect()
        table = support.fresh("py.resend")
        direct.create_table(table, [("event_id", "long")])
        host, port = support.target().rsplit(":", 1)
        proxy = support.Proxy(int(port))
        try:
            with tracelake.connect(proxy.target) as proxied:
                writer = proxied.writer(table, writer_id="w1", initial_backoff=0.05,
                                        max_backoff=0.2)
                proxy.hold_responses()
                futures = [writer.append([{"event_id": i * 10 + j} for j in range(10)])
                           for i in range(3)]
                # committed on the server; the acknowledgements are stuck in the proxy
                support.wait_for("offset 2 to be committed",
                                 lambda: direct.writer_offset(table, "w1") == 2)
                self.assertFalse(any(f.done() for f in futures))
                proxy.sever()
                proxy.release_responses()
                acks = [f.result(60) for f in futures]
                writer.close()
        finally:
            proxy.close()
        self.assertEqual([a.offset for a in acks], [0, 1, 2])
        self.assertTrue(all(a.already_committed for a in acks))
        self.assertTrue(all(len(a.record_ids) == 10 for a in acks))
        rows = direct.sql("SELECT event_id, _record_id FROM %s ORDER BY event_id" % table)
        self.assertEqual([r["event_id"] for r in rows], list(range(30)))
        # the acknowledged ids are the ones committed the first time
        self.assertEqual(sorted(r["_record_id"] for r in rows),
                         sorted(i for a in acks for i in a.record_ids))
        direct.close()

    def test_a_server_killed_mid_stream_and_restarted_gets_every_append_once(self):
        if "TRACELAKE_SERVE_COMMAND" not in os.environ:
            self.fail("TRACELAKE_SERVE_COMMAND is not set: run these tests through the build")
        warehouse = tempfile.mkdtemp(prefix="tracelake-py-")
        server = support.ServeProcess(warehouse)
        port = server.port
        try:
            client = tracelake.connect(server.target)
            table = support.fresh("py.crash")
            client.create_table(table, [("seq", "long")])
            writer = client.writer(table, writer_id="crash", initial_backoff=0.1, max_backoff=1.0)
            futures = []
            stop = threading.Event()
            for i in range(40):
                futures.append(writer.append([{"seq": i}]))
                if i == 20:
                    futures[0].result(120)
                    server.kill()  # SIGKILL with appends in flight
                    server = support.ServeProcess(warehouse, port=port)
            stop.set()
            acks = [f.result(180) for f in futures]
            writer.close()
            self.assertEqual([a.offset for a in acks], list(range(40)))
            rows = client.sql("SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo,"
                              " max(seq) AS hi FROM %s" % table)
            self.assertEqual(rows[0], {"n": 40, "d": 40, "lo": 0, "hi": 39})
            self.assertEqual(client.writer_offset(table, "crash"), 39)
            client.close()
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()


class FailoverTest(unittest.TestCase):
    """Three replicas on one shared catalog; the client is given all three addresses."""

    def test_writers_spread_over_replicas_and_move_off_one_killed_mid_stream(self):
        shared = os.environ.get("TRACELAKE_SHARED_CATALOG_ARGS")
        if not shared:
            self.fail("TRACELAKE_SHARED_CATALOG_ARGS is not set: run these tests through the build")
        extra = json.loads(shared)
        warehouse = tempfile.mkdtemp(prefix="tracelake-py-replicas-")
        replicas = []
        try:
            starting = [threading.Thread(target=lambda: replicas.append(
                support.ServeProcess(warehouse, extra=extra))) for _ in range(3)]
            for t in starting:
                t.start()
            for t in starting:
                t.join()
            self.assertEqual(len(replicas), 3, "every replica started")
            client = tracelake.connect([r.target for r in replicas])
            table = support.fresh("py.failover")
            client.create_table(table, [("writer", "string", True), ("seq", "long", True)])
            writers = [client.writer(table, writer_id="py-writer-%d" % w, initial_backoff=0.1,
                                     max_backoff=1.0) for w in range(6)]
            futures = {w.writer_id: [] for w in writers}
            for i in range(30):
                for w in writers:
                    futures[w.writer_id].append(
                        w.append([{"writer": w.writer_id, "seq": i * 10 + j} for j in range(10)]))
                if i == 10:
                    for fs in futures.values():
                        fs[0].result(120)
                    replicas[1].kill()  # SIGKILL with appends in flight on its streams
            for w in writers:
                acks = [f.result(240) for f in futures[w.writer_id]]
                self.assertEqual([a.offset for a in acks], list(range(30)))
                w.close()
            rows = client.sql("SELECT count(*) AS n, count(DISTINCT writer || ':' || seq) AS d,"
                              " count(DISTINCT writer) AS w FROM %s" % table)
            self.assertEqual(rows[0], {"n": 6 * 300, "d": 6 * 300, "w": 6})
            for w in writers:
                self.assertEqual(client.writer_offset(table, w.writer_id), 29)
            client.close()
        finally:
            for r in replicas:
                r.stop()
