"""Rows from pyarrow tables and record batches (dictionary-encoded strings included). pyarrow is
optional and not packaged for Debian 12: without it these tests are skipped, saying so."""

import unittest

from tests import support

try:
    import pyarrow as pa
except ImportError:
    pa = None

SKIP = "pyarrow is not installed (not packaged for Debian 12; pip install pyarrow to run these)"


@unittest.skipIf(pa is None, SKIP)
class PyArrowTest(unittest.TestCase):
    def test_a_pyarrow_table_with_dictionary_strings_is_written_and_read_back(self):
        client = support.connect()
        table = support.fresh("py.arrow")
        client.create_table(table, [("event_id", "long"), ("user", "string")])
        data = pa.table({
            "event_id": pa.array([1, 2, 3], pa.int64()),
            "user": pa.array(["ann", "bob", "ann"]).dictionary_encode(),
        })
        with client.writer(table, writer_id="arrow") as w:
            ack = w.append(data).result(60)
            batch_ack = w.append(data.to_batches()[0]).result(60)
        self.assertEqual(ack.row_count, 3)
        self.assertEqual(batch_ack.offset, 1)
        result = client.sql("SELECT event_id, \"user\", _record_id FROM %s ORDER BY _record_id"
                            % table)
        self.assertEqual([r["user"] for r in result], ["ann", "bob", "ann"] * 2)
        self.assertEqual([r["_record_id"] for r in result], ack.record_ids + batch_ack.record_ids)
        arrow = result.to_arrow()
        self.assertEqual(arrow.num_rows, 6)
        self.assertEqual(arrow.column("user").to_pylist(), ["ann", "bob", "ann"] * 2)
        client.close()


if __name__ == "__main__":
    unittest.main()
