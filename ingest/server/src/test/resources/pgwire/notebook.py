"""What a data scientist's notebook does against Tracelake's PostgreSQL endpoint, with psycopg2
and pandas from Debian. Prints one JSON object of observations; the Java test asserts on it.

usage: python3 notebook.py <port> <old-snapshot-id>   (the token comes in TRACELAKE_TOKEN)
"""
import json
import os
import sys
import threading
import time

import pandas as pd
import psycopg2
import psycopg2.extensions

port, old_snapshot = int(sys.argv[1]), int(sys.argv[2])
conn = psycopg2.connect(host="127.0.0.1", port=port, user="notebook",
                        password=os.environ["TRACELAKE_TOKEN"], dbname="tracelake",
                        connect_timeout=10)
out = {}
cur = conn.cursor()  # psycopg2 opens a transaction block (BEGIN) before the first statement

cur.execute('SELECT event_id, "user", amount FROM events WHERE event_id < %s ORDER BY event_id', (3,))
out["rows"] = [list(r) for r in cur.fetchall()]
out["description"] = [[d.name, d.type_code] for d in cur.description]
out["snapshots"] = json.loads(conn.get_parameter_status("tracelake.snapshots"))

cur.execute("SELECT count(*) FROM events FOR VERSION AS OF %s", (old_snapshot,))
out["old_count"] = cur.fetchone()[0]

cur.execute("SELECT * FROM typed WHERE flag")
row = cur.fetchone()
out["types"] = {d.name: [type(v).__name__, str(bytes(v)) if isinstance(v, memoryview) else str(v)]
                for d, v in zip(cur.description, row)}

try:
    cur.execute("SELECT nope FROM events")
except psycopg2.Error as e:
    out["error"] = [e.pgcode, e.diag.statement_position, e.diag.message_primary]
    conn.rollback()

try:
    cur.execute("INSERT INTO events VALUES (1, 'x', 1.0)")
except psycopg2.Error as e:
    out["write"] = [e.pgcode, e.diag.message_primary]
    conn.rollback()

timer = threading.Timer(1.0, conn.cancel)
timer.start()
started = time.time()
try:
    cur.execute("SELECT count(*) FROM range(200000) a, range(200000) b WHERE (a.range * b.range) % 7 = 3")
    out["cancel"] = ["not cancelled", cur.fetchone()[0]]
except psycopg2.extensions.QueryCanceledError as e:
    out["cancel"] = [e.pgcode, round(time.time() - started, 1)]
    conn.rollback()

cur.execute("SELECT 1")  # the connection works after the cancel
out["after_cancel"] = cur.fetchone()[0]

df = pd.read_sql("SELECT event_id, \"user\", amount FROM events ORDER BY event_id", conn)
out["pandas"] = {"shape": list(df.shape), "dtypes": [str(t) for t in df.dtypes],
                 "amount_sum": float(df["amount"].sum()), "first_user": df["user"][0]}
conn.close()
print(json.dumps(out))
