"""Replays from Python against a real server: a candidate written in Python re-runs production's
inputs exactly once (across a crash of the candidate), the comparison pairs and differs as computed
here, and main is untouched until publish."""

import unittest

import grpc

import tracelake
from tests import support

FEATURES = [("user", "string"), ("amount", "double")]
PREDICTIONS = [("user", "string"), ("score", "double"), ("decision", "string")]
V3 = tracelake.Provenance(model_name="fraud", model_version="v3", code_commit="c3",
                          run_id="py-v3-run", producer="py-test")


def v3_score(amount):
    return round(amount / 100.0, 3)


def v4_score(amount):
    return round(amount / 90.0, 3)


def decide(score):
    return "block" if score >= 0.8 else "review" if score >= 0.5 else "approve"


class ReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = support.connect()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def production(self):
        """30 feature records in two snapshots, 30 predictions of fraud v3 citing one each (at
        the snapshot it was read at), and one prediction citing nothing."""
        namespace = support.fresh("pyreplay")
        features, predictions = namespace + ".features", namespace + ".predictions"
        self.client.create_table(features, FEATURES)
        self.client.create_table(predictions, PREDICTIONS)
        amounts = [float(7 * i % 97) for i in range(30)]
        cited = []
        with self.client.writer(features, writer_id="feed") as w:
            for part in (range(0, 12), range(12, 30)):
                ack = w.append([{"user": "u%d" % i, "amount": amounts[i]} for i in part]).result(60)
                cited += [(rid, ack.snapshot_id) for rid in ack.record_ids]
        rows = []
        for i, (rid, snapshot) in enumerate(cited):
            score = v3_score(amounts[i])
            rows.append({"user": "u%d" % i, "score": score, "decision": decide(score),
                         "_lineage": [tracelake.RecordRef(features, rid, snapshot)]})
        rows.append({"user": "nobody", "score": 0.0, "decision": "approve"})
        with self.client.writer(predictions, V3, writer_id="scorer") as w:
            w.append(rows[:20]).result(60)
            w.append(rows[20:]).result(60)
        return features, predictions, amounts, cited

    def main_head(self, table):
        return self.client.describe(table)["current_snapshot_id"]

    def test_a_python_candidate_replays_exactly_once_and_compares_as_computed_here(self):
        features, predictions, amounts, cited = self.production()
        replays = self.client.replays()
        candidate = tracelake.Provenance(model_name="fraud", model_version="v4",
                                         code_commit="c4", producer="py-candidate")
        replay, created = replays.create("py-" + support.fresh("r"), predictions, candidate,
                                         model=("fraud", "v3"), batch_cases=7)
        rid = replay["replay_id"]
        self.assertTrue(created)
        self.assertEqual(replays.create(rid, predictions, candidate, model=("fraud", "v3"),
                                        batch_cases=7), (replay, False))
        self.assertEqual((replay["production_outputs"], replay["outputs_without_inputs"],
                          replay["cases"], replay["batches"]), (31, 1, 30, 5))
        self.assertEqual(replay["branch"], "replay/" + rid)
        self.assertEqual(replay["state"], "CREATED")
        self.assertEqual(replay["input_tables"], [features])
        main_before = self.main_head(predictions)

        seen = {}

        def score(batch, crash_at=None):
            if batch.batch == crash_at:
                raise RuntimeError("the candidate crashed at batch %d" % batch.batch)
            out = []
            for case in batch.cases:
                [row] = case.inputs[features]
                seen[row["_record_id"]] = (row["_snapshot_id"], row["user"], row["amount"])
                if row["user"] == "u7":
                    continue  # the candidate declines one case: only in production
                s = v4_score(row["amount"])
                out.append({"user": row["user"], "score": s, "decision": decide(s),
                            "_lineage": case.lineage})
            return out

        with self.assertRaisesRegex(RuntimeError, "crashed at batch 2"):
            replays.run(rid, lambda b: score(b, crash_at=2))
        halfway = replays.get(rid)
        self.assertEqual((halfway["state"], halfway["committed_batches"]), ("RUNNING", 2))

        result = replays.run(rid, score)
        self.assertEqual((result.first_batch, result.batches_written), (2, 3))
        self.assertEqual(result.replay["state"], "COMPLETED")
        self.assertEqual(result.replay["committed_batches"], 5)
        # every input was streamed as it was cited: its own record id at its own snapshot
        self.assertEqual({r: s[0] for r, s in seen.items()}, dict(cited))
        self.assertEqual({r: s[2] for r, s in seen.items()},
                         {r: amounts[i] for i, (r, _) in enumerate(cited)})
        # running again writes nothing: every batch is committed
        again = replays.run(rid, score)
        self.assertEqual(again.batches_written, 0)
        self.assertEqual(self.main_head(predictions), main_before)
        on_branch = self.client.sql(
            "SELECT count(*) AS n, count(DISTINCT _record_id) AS ids FROM %s FOR VERSION AS OF '%s'"
            " WHERE _model_version = 'v4'" % (predictions, replay["branch"]))
        self.assertEqual((on_branch[0]["n"], on_branch[0]["ids"]), (29, 29))

        c = replays.compare(rid, group_by="model_version", max_pairs=50)
        self.assertEqual(c["counts"], {
            "production_outputs": 31, "candidate_outputs": 29, "matched": 29,
            "only_production": 1, "only_candidate": 0, "duplicate_production": 0,
            "duplicate_candidate": 0, "production_without_inputs": 1,
            "candidate_without_inputs": 0})
        paired = [i for i in range(30) if i != 7]
        deltas = [v4_score(amounts[i]) - v3_score(amounts[i]) for i in paired]
        columns = {col["column"]: col for col in c["columns"]}
        self.assertEqual(columns["score"]["kind"], "numeric")
        self.assertEqual(columns["score"]["differing"], sum(1 for d in deltas if d != 0))
        self.assertAlmostEqual(columns["score"]["max_abs_delta"], max(abs(d) for d in deltas))
        self.assertAlmostEqual(columns["score"]["mean_delta"], sum(deltas) / len(deltas))
        expected = {}
        for i in paired:
            pair = (decide(v3_score(amounts[i])), decide(v4_score(amounts[i])))
            expected[pair] = expected.get(pair, 0) + 1
        self.assertEqual({(p, k): n for p, k, n in columns["decision"]["confusion"]}, expected)
        self.assertEqual(columns["user"]["differing"], 0)
        self.assertEqual([g["group"] for g in c["groups"]], ["v3"])
        self.assertEqual(c["groups"][0]["counts"]["matched"], 29)
        u7 = cited[7][0]
        self.assertEqual(len(c["only_production_examples"]), 1)
        self.assertNotEqual(c["only_production_examples"][0], u7)  # an output's id, not an input's

        listed = [r["replay_id"] for r in replays.list(predictions)]
        self.assertEqual(listed, [rid])
        published = replays.publish(rid)
        self.assertEqual(published["state"], "PUBLISHED")
        self.assertEqual(self.main_head(predictions), published["branch_snapshot_id"])

    def test_a_batch_without_outputs_keeps_its_offset_and_a_dropped_replay_runs_no_more(self):
        features, predictions, amounts, cited = self.production()
        replays = self.client.replays()
        candidate = tracelake.Provenance(model_name="fraud", model_version="v4")
        replay, _ = replays.create("py-" + support.fresh("e"), predictions, candidate,
                                   model=("fraud", "v3"), batch_cases=7)
        rid = replay["replay_id"]

        def score(batch):
            if batch.batch == 1:
                return []  # the candidate answers none of batch 1's cases
            return [{"user": c.inputs[features][0]["user"], "score": 0.5, "decision": "review",
                     "_lineage": c.lineage} for c in batch.cases]

        result = replays.run(rid, score)
        self.assertEqual((result.replay["state"], result.replay["committed_batches"]),
                         ("COMPLETED", 5))
        self.assertEqual(result.outputs, 23)
        counts = replays.compare(rid)["counts"]
        self.assertEqual((counts["matched"], counts["only_production"], counts["only_candidate"]),
                         (23, 7, 0))
        self.assertEqual(replays.drop(rid)["state"], "DROPPED")
        with self.assertRaises(tracelake.TracelakeError) as dropped:
            replays.run(rid, score)
        self.assertEqual(dropped.exception.code, grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("dropped", str(dropped.exception))

    def test_unknown_replays_and_bad_definitions_get_the_right_status(self):
        replays = self.client.replays()
        with self.assertRaises(tracelake.TracelakeError) as unknown:
            replays.get("no-such-replay")
        self.assertEqual(unknown.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("no-such-replay", str(unknown.exception))
        with self.assertRaises(tracelake.TracelakeError) as stream:
            list(replays.stream("no-such-replay"))
        self.assertEqual(stream.exception.code, grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(tracelake.TracelakeError) as table:
            replays.create("py-nothing", "nope.missing", tracelake.Provenance(model_name="m"))
        self.assertEqual(table.exception.code, grpc.StatusCode.NOT_FOUND)
        with self.assertRaises(tracelake.TracelakeError) as bad_id:
            replays.create("bad id\u0000\u202e名前", "nope.missing", tracelake.Provenance())
        self.assertEqual(bad_id.exception.code, grpc.StatusCode.INVALID_ARGUMENT)


if __name__ == "__main__":
    unittest.main()
