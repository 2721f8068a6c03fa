"""The Python client against a real server: tables, exactly-once writes, SQL, explain, versions."""

import datetime
import decimal
import unittest
import uuid

import grpc
import pandas

import tracelake
from tests import support

COLUMNS = [("event_id", "long", True), ("user", "string"), ("score", "double"),
           ("at", "timestamptz"), ("day", "date"), ("ok", "boolean"),
           ("amount", "decimal(10, 2)"), ("blob", "binary")]


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = support.connect()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def new_table(self, columns=COLUMNS):
        name = support.fresh("py.events")
        self.client.create_table(name, columns)
        return name

    def test_a_service_writes_dict_rows_exactly_once_and_reads_them_back_with_sql(self):
        table = self.new_table()
        at = datetime.datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=datetime.timezone.utc)
        rows = [{"event_id": 1, "user": "ann", "score": 0.5, "at": at,
                 "day": datetime.date(2026, 3, 1), "ok": True,
                 "amount": decimal.Decimal("12.34"), "blob": b"\x00\xff"},
                {"event_id": 2, "user": "bø 名前", "score": None}]
        provenance = tracelake.Provenance(code_commit="abc123", model_name="fraud",
                                          model_version="v3", run_id="run-7", producer="py-test")
        with self.client.writer(table, provenance, writer_id="py-svc-1") as writer:
            first = writer.append(rows).result(60)
            second = writer.append([{"event_id": 3}]).result(60)
        self.assertEqual((first.offset, second.offset), (0, 1))
        self.assertEqual(first.row_count, 2)
        self.assertFalse(first.already_committed)
        self.assertEqual(len(set(first.record_ids)), 2)
        self.assertTrue(all(uuid.UUID(i).version == 7 for i in first.record_ids))
        self.assertLess(first.record_ids[-1], second.record_ids[0])
        self.assertEqual(self.client.writer_offset(table, "py-svc-1"), 1)
        self.assertIsNone(self.client.writer_offset(table, "nobody"))

        result = self.client.sql(
            "SELECT event_id, \"user\", score, \"at\", \"day\", ok, amount, blob, _record_id,"
            " _code_commit,"
            " _model_version FROM %s ORDER BY event_id" % table)
        self.assertEqual(result.columns[:3], ["event_id", "user", "score"])
        self.assertEqual(len(result), 3)
        self.assertEqual(result[0]["event_id"], 1)
        self.assertEqual(result[0]["user"], "ann")
        self.assertEqual(result[1]["user"], "bø 名前")
        self.assertIsNone(result[1]["score"])
        self.assertEqual(result[0]["at"], at)
        self.assertEqual(result[0]["day"], datetime.date(2026, 3, 1))
        self.assertIs(result[0]["ok"], True)
        self.assertEqual(result[0]["amount"], decimal.Decimal("12.34"))
        self.assertEqual(result[0]["blob"], b"\x00\xff")
        self.assertEqual([r["_record_id"] for r in result],
                         first.record_ids + second.record_ids)
        self.assertEqual(result[0]["_code_commit"], "abc123")
        self.assertEqual(result[2]["_model_version"], "v3")
        self.assertEqual(result.references[0][0], table)
        self.assertEqual(result.references[0][2], second.snapshot_id)

        frame = result.to_pandas()
        self.assertIsInstance(frame, pandas.DataFrame)
        self.assertEqual(list(frame["event_id"]), [1, 2, 3])
        self.assertEqual(frame.shape, (3, 11))

    def test_a_restarted_producer_resumes_after_its_last_committed_offset(self):
        table = self.new_table()
        with self.client.writer(table, writer_id="resumer") as w:
            w.append([{"event_id": 1}]).result(60)
        with self.client.writer(table, writer_id="resumer") as w:
            ack = w.append([{"event_id": 2}]).result(60)
        self.assertEqual(ack.offset, 1)
        self.assertEqual(self.client.sql("SELECT count(*) AS n FROM %s" % table)[0]["n"], 2)

    def test_sql_reads_many_types_and_nested_values(self):
        rows = self.client.sql(
            "SELECT 1::TINYINT AS i8, 300::SMALLINT AS i16, 70000::INTEGER AS i32,"
            " 5000000000::BIGINT AS i64, 200::UTINYINT AS u8, 1.5::FLOAT AS f32,"
            " 'x'::VARCHAR AS s, NULL::VARCHAR AS n, [1, 2, NULL] AS l,"
            " {'a': 1, 'b': 'z'} AS st, MAP {'k': 7} AS m, TIME '01:02:03.5' AS t,"
            " TIMESTAMP '2026-01-02 03:04:05.123456' AS ts, -12.5::DECIMAL(20, 3) AS d,"
            " [] :: INTEGER[] AS empty")
        self.assertEqual(len(rows), 1)
        r = rows[0]
        self.assertEqual((r["i8"], r["i16"], r["i32"], r["i64"], r["u8"]),
                         (1, 300, 70000, 5000000000, 200))
        self.assertEqual(r["f32"], 1.5)
        self.assertEqual(r["s"], "x")
        self.assertIsNone(r["n"])
        self.assertEqual(r["l"], [1, 2, None])
        self.assertEqual(r["st"], {"a": 1, "b": "z"})
        self.assertEqual(r["m"], {"k": 7})
        self.assertEqual(r["t"], datetime.time(1, 2, 3, 500000))
        self.assertEqual(r["ts"], datetime.datetime(2026, 1, 2, 3, 4, 5, 123456))
        self.assertEqual(r["d"], decimal.Decimal("-12.500"))
        self.assertEqual(r["empty"], [])

    def test_many_batches_come_back_in_order(self):
        rows = self.client.sql("SELECT range AS i FROM range(100000)")
        self.assertEqual(len(rows), 100000)
        self.assertEqual(rows[99999]["i"], 99999)
        self.assertEqual(sum(r["i"] for r in rows), 4999950000)

    def test_bad_sql_and_writes_are_refused_with_the_servers_reason(self):
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.sql("SELECT * FROM no_such_table")
        self.assertEqual(e.exception.code, grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.sql("COPY (SELECT 1) TO '/tmp/x.csv'")
        self.assertIn(e.exception.code,
                      (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.INVALID_ARGUMENT))

    def test_bad_rows_fail_the_append_and_the_writer_then_refuses_more(self):
        table = self.new_table()
        writer = self.client.writer(table, writer_id="bad-rows")
        future = writer.append([{"event_id": 1, "no_such_column": "x"}])
        with self.assertRaises(tracelake.TracelakeError) as e:
            future.result(60)
        self.assertEqual(e.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("no_such_column", str(e.exception))
        with self.assertRaises(tracelake.TracelakeError):
            writer.append([{"event_id": 2}])
        writer.close()
        self.assertEqual(self.client.sql("SELECT count(*) AS n FROM %s" % table)[0]["n"], 0)

    def test_hostile_values_are_refused_before_sending(self):
        table = self.new_table()
        with self.client.writer(table, writer_id="hostile") as writer:
            with self.assertRaises(ValueError):
                writer.append([{"event_id": 1, "score": float("nan")}])
            with self.assertRaises(TypeError):
                writer.append([{"event_id": 1, "user": object()}])
            with self.assertRaises(TypeError):
                writer.append({"event_id": 1})
            with self.assertRaises(TypeError):
                writer.append([{"event_id": 1, "_record_id": 42}])
            ack = writer.append([{"event_id": 1, "user": "\u0000\u202e\U0001f600" * 1000}]).result(60)
        self.assertEqual(ack.offset, 0)
        for bad in ("", "x" * 129, "has space", "ünï"):
            with self.assertRaises(ValueError):
                self.client.writer(table, writer_id=bad)
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.writer("no_such.table", writer_id="w")
        self.assertEqual(e.exception.code, grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.table("x" * 100000).refs()
        self.assertEqual(e.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("100000 characters", str(e.exception))
        self.assertLess(len(str(e.exception)), 2500)

    def test_explain_walks_a_prediction_back_to_its_inputs(self):
        features = self.new_table([("user", "string"), ("spend", "double")])
        predictions = self.new_table([("user", "string"), ("score", "double")])
        with self.client.writer(features, writer_id="features") as w:
            f = w.append([{"user": "ann", "spend": 12.5}]).result(60)
        lineage = [tracelake.RecordRef(features, f.record_ids[0], f.snapshot_id)]
        with self.client.writer(predictions, tracelake.Provenance(model_name="fraud",
                                                                  model_version="v3"),
                                writer_id="scorer") as w:
            p = w.append([{"user": "ann", "score": 0.9, "_lineage": lineage}]).result(60)
        rendered, problems = self.client.explain(predictions, p.record_ids[0], "json")
        self.assertIn(f.record_ids[0], rendered)
        self.assertIn("12.5", rendered)
        self.assertIsInstance(problems, list)
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.explain(predictions, "no-such-record")
        self.assertIn(e.exception.code, (grpc.StatusCode.NOT_FOUND,
                                         grpc.StatusCode.INVALID_ARGUMENT))

    def test_a_run_is_registered_its_records_explain_with_it_and_it_ends_once(self):
        run_id = support.fresh("run")
        started_at = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.timezone.utc)
        table = self.new_table([("user", "string"), ("score", "double")])
        with self.client.run(run_id, job_namespace="ml", job_name="fraud-scoring",
                             code_commit="c0ffee", model_name="fraud", model_version="v4",
                             parameters={"threshold": "0.7", "名前": "ø"},
                             started_at=started_at) as run:
            self.assertEqual(run["state"], "RUNNING")
            self.assertEqual(run["started_at"], started_at)
            with self.client.writer(table, tracelake.Provenance(run_id=run_id),
                                    writer_id="scorer") as w:
                p = w.append([{"user": "ann", "score": 0.9}]).result(60)
            self.assertEqual(self.client.get_run(run_id)["state"], "RUNNING")
        done = self.client.get_run(run_id)
        self.assertEqual(done["state"], "COMPLETED")
        self.assertEqual(done["job_name"], "fraud-scoring")
        self.assertEqual(done["parameters"], {"threshold": "0.7", "名前": "ø"})
        self.assertIsNotNone(done["ended_at"])
        self.assertIn(run_id, [r["run_id"] for r in self.client.runs()])
        rendered, _ = self.client.explain(table, p.record_ids[0], "json")
        self.assertIn("fraud-scoring", rendered)
        # ended once: the same end is harmless, another end is refused and changes nothing
        self.assertEqual(self.client.finish_run(run_id, "COMPLETED")["state"], "COMPLETED")
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.finish_run(run_id, "FAILED", message="late")
        self.assertEqual(e.exception.code, grpc.StatusCode.FAILED_PRECONDITION)
        self.assertEqual(self.client.get_run(run_id)["state"], "COMPLETED")

    def test_a_failing_block_fails_its_run_with_the_error(self):
        run_id = support.fresh("run")
        with self.assertRaises(KeyError):
            with self.client.run(run_id, job_name="nightly"):
                raise KeyError("no model file")
        failed = self.client.get_run(run_id)
        self.assertEqual(failed["state"], "FAILED")
        self.assertIn("no model file", failed["failure_message"])

    def test_bad_runs_are_refused_with_a_clear_reason(self):
        with self.assertRaises(ValueError):
            self.client.start_run("")
        with self.assertRaises(TypeError):
            self.client.start_run("r", started_at=datetime.datetime(2026, 1, 1))  # naive
        with self.assertRaises(TypeError):
            self.client.start_run("r", parameters={"n": 1})
        with self.assertRaises(ValueError):
            self.client.finish_run("r", "RUNNING")
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.get_run(support.fresh("never"))
        self.assertEqual(e.exception.code, grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(tracelake.TracelakeError) as e:
            self.client.start_run("run\x00" + "x" * 5000)
        self.assertEqual(e.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertLess(len(str(e.exception)), 2500)

    def test_write_audit_publish_tags_snapshots_and_schema_evolution(self):
        table = self.new_table()
        t = self.client.table(table)
        with self.client.writer(table, writer_id="wap") as w:
            base = w.append([{"event_id": 1}]).result(60)
        self.assertEqual(t.create_branch("audit"), tracelake.Ref("audit", "branch", base.snapshot_id))
        with self.client.writer(table, writer_id="wap", branch="audit") as w:
            staged = w.append([{"event_id": 2}]).result(60)
        self.assertEqual(staged.offset, 1)  # the branch inherits main's history and offsets
        self.assertEqual(self.client.sql("SELECT count(*) AS n FROM %s" % table)[0]["n"], 1)
        self.assertEqual(t.publish("audit").snapshot_id, staged.snapshot_id)
        self.assertEqual(self.client.sql("SELECT count(*) AS n FROM %s" % table)[0]["n"], 2)

        tag = t.create_tag("training-set-v3")
        self.assertEqual(tag, tracelake.Ref("training-set-v3", "tag", staged.snapshot_id))
        with self.assertRaises(tracelake.TracelakeError) as e:
            t.create_tag("training-set-v3", base.snapshot_id)
        self.assertEqual(e.exception.code, grpc.StatusCode.ALREADY_EXISTS)
        self.assertEqual([r.name for r in t.refs()], ["audit", "main", "training-set-v3"])

        snapshots = list(t.snapshots(page_size=1))
        self.assertEqual([s.snapshot_id for s in snapshots], [base.snapshot_id, staged.snapshot_id])
        self.assertEqual(snapshots[1].parent_id, base.snapshot_id)
        self.assertEqual(snapshots[0].total_rows, 1)
        self.assertIsInstance(snapshots[0].committed_at, datetime.datetime)
        newest = list(t.snapshots(newest_first=True))
        self.assertEqual(newest[0].snapshot_id, staged.snapshot_id)

        after = t.evolve_schema(("add", "country", "string", "ISO code"),
                                ("rename", "user", "user_id"), ("widen", "event_id", "long"),
                                ("make_optional", "event_id"))
        names = [c["name"] for c in after["columns"] if not c["metadata"]]
        self.assertEqual(names[:2], ["event_id", "user_id"])
        self.assertIn("country", names)
        with self.assertRaises(tracelake.TracelakeError) as e:
            t.evolve_schema(("widen", "score", "float"))
        self.assertEqual(e.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertIn("'score'", str(e.exception))
        with self.assertRaises(ValueError):
            t.evolve_schema(("drop", "score"))

        described, snapshot, ref = t.describe_at("training-set-v3")
        self.assertIn("user", [c["name"] for c in described["columns"]])
        self.assertEqual(snapshot.snapshot_id, staged.snapshot_id)
        self.assertEqual(ref.type, "tag")
        t.move_tag("training-set-v3", base.snapshot_id)
        t.drop_tag("training-set-v3")
        t.drop_branch("audit")
        self.assertEqual([r.name for r in t.refs()], ["main"])


if __name__ == "__main__":
    unittest.main()
