"""Validates a JSON Lines document stream with Python's event_model and loads it back through
its routers. Prints one JSON line: per-name counts, runs seen by RunRouter, and the problems found."""
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


def factory(name, start_doc):
    runs.append(start_doc["uid"])
    return [Counter()], []


router = RunRouter([factory])
with open(sys.argv[1]) as f:
    for line in f:
        item = json.loads(line)
        name, doc = item["name"], item["doc"]
        counts[name] = counts.get(name, 0) + 1
        try:
            schema_validators[DocumentNames[name]].validate(doc)
        except Exception as err:  # report every invalid document, not just the first
            problems.append(f"{name} {doc.get('uid')}: {err.__class__.__name__}: {str(err)[:300]}")
        try:
            router(name, doc)
        except Exception as err:
            problems.append(f"router {name}: {err.__class__.__name__}: {err}")

print(json.dumps({"counts": counts, "routed": routed, "runs": runs, "problems": problems,
                  "event_model": event_model.__version__}))
