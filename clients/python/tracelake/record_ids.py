"""Record ids in Tracelake's layout (the same as proto/wire's RecordIdGenerator): UUIDv7 with a
30-bit counter after the millisecond and 44 random bits drawn once per millisecond, so ids from one
process strictly increase and a table's ids compress alike whoever named them."""

import random
import threading
import time

_COUNTER_BITS = 30
_TAIL_BITS = 44
_lock = threading.Lock()
_random = random.SystemRandom()
_state = {"millis": 0, "counter": 0, "tail": 0}


def next_ids(count):
    """Returns ``count`` fresh, increasing ids in canonical text form."""
    out = []
    with _lock:
        s = _state
        for _ in range(count):
            now = time.time_ns() // 1_000_000
            s["counter"] += 1
            if now > s["millis"] or s["counter"] >= (1 << _COUNTER_BITS):
                s["millis"] = max(now, s["millis"] + 1)
                s["counter"] = _random.getrandbits(_COUNTER_BITS - 1)
                s["tail"] = _random.getrandbits(_TAIL_BITS)
            counter = s["counter"]
            msb = (s["millis"] << 16) | (0x7 << 12) | (counter >> (_COUNTER_BITS - 12))
            lsb = ((1 << 63) | ((counter & ((1 << (_COUNTER_BITS - 12)) - 1)) << _TAIL_BITS)
                   | s["tail"])
            h = "%016x%016x" % (msb, lsb)
            out.append("%s-%s-%s-%s-%s" % (h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]))
    return out
