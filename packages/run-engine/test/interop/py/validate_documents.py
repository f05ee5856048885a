"""Validates a JSON Lines document stream with Python's event_model and loads it back through
its routers. Prints one JSON line: per-name counts, runs seen by RunRouter, the problems found, for
external data (Resource/Datum) what event_model's Filler loads with ophyd.sim's NumpySeqHandler
(each filled field's shape and sum), and for streamed data (StreamResource/StreamDatum) what numpy
reads from the StreamResource's file at the StreamDatum's indices (per datum: data key, seq_nums,
the slice's shape and the sum of each frame)."""
import json
import sys

import event_model
from event_model import DocumentNames, DocumentRouter, RunRouter, schema_validators

problems = []
counts = {}
routed = {}
runs = []


class Counter(DocumentRouter):
    """Counts what the router dispatches; event_model calls these by document name."""

    def _count(self, name):
        routed[name] = routed.get(name, 0) + 1

    def start(self, doc):
        self._count("start")

    def descriptor(self, doc):
        self._count("descriptor")

    def event(self, doc):
        self._count("event")

    def stop(self, doc):
        self._count("stop")

    def resource(self, doc):
        self._count("resource")

    def datum(self, doc):
        self._count("datum")

    def stream_resource(self, doc):
        self._count("stream_resource")

    def stream_datum(self, doc):
        self._count("stream_datum")


def factory(name, start_doc):
    runs.append(start_doc["uid"])
    return [Counter()], []


router = RunRouter([factory])
filled = []
with open(sys.argv[1]) as f:
    items = [json.loads(line) for line in f]
filler = None
if any(item["name"] == "resource" for item in items):
    from ophyd.sim import NumpySeqHandler

    filler = event_model.Filler({"NPY_SEQ": NumpySeqHandler}, inplace=False)
stream_resources = {}
streamed = []


def read_stream(datum):
    """The frames a StreamDatum stands for, read with numpy from its StreamResource's .npy file."""
    import numpy as np

    resource = stream_resources[datum["stream_resource"]]
    prefix = "file://localhost"
    if not resource["uri"].startswith(prefix):
        raise ValueError(f"not a local file: {resource['uri']}")
    frames = np.load(resource["uri"][len(prefix):])[datum["indices"]["start"]:datum["indices"]["stop"]]
    sums = [float(frame.sum()) for frame in frames]
    seq = [datum["seq_nums"]["start"], datum["seq_nums"]["stop"]]
    return [resource["data_key"], seq, list(frames.shape), sums]


for item in items:
    name, doc = item["name"], item["doc"]
    if name == "stream_resource":
        stream_resources[doc["uid"]] = doc
    if name == "stream_datum":
        try:
            streamed.append(read_stream(doc))
        except Exception as err:
            problems.append(f"stream_datum {doc.get('uid')}: {err.__class__.__name__}: {err}")
    if filler is not None:
        try:
            _, filled_doc = filler(name, doc)
            if name == "event":
                for key, value in filled_doc["data"].items():
                    if doc["filled"].get(key) is False:
                        filled.append([key, list(value.shape), float(value.sum())])
        except Exception as err:
            problems.append(f"filler {name}: {err.__class__.__name__}: {err}")
    counts[name] = counts.get(name, 0) + 1
    try:
        schema_validators[DocumentNames[name]].validate(doc)
    except Exception as err:  # report every invalid document, not just the first
        problems.append(f"{name} {doc.get('uid')}: {err.__class__.__name__}: {str(err)[:300]}")
    try:
        router(name, doc)
    except Exception as err:
        problems.append(f"router {name}: {err.__class__.__name__}: {err}")

print(json.dumps({"counts": counts, "routed": routed, "runs": runs, "problems": problems, "filled": filled,
                  "streamed": streamed,
                  "event_model": event_model.__version__}))
