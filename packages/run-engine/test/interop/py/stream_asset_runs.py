"""Runs fly-scanning plans with bluesky's RunEngine over Python twins of the TypeScript test
devices (SimStreamDetector with exposure 0 and its prepare, a page-collectable flyer, old-style flyers, a step-scan
detector streaming a frame per read) and prints,
per case named on the command line, every document emitted, what each collect returned and the
error the plan ended with. The TypeScript side runs the same plans on its own engine and compares."""
import json
import sys

from bluesky import RunEngine
from bluesky import plan_stubs as bps
from bluesky.protocols import StreamAsset
from event_model import StreamRange, compose_stream_resource
from ophyd.sim import NullStatus


def data_key(source, **extra):
    return {"source": source, "dtype": "number", "shape": [], **extra}


class StreamDet:
    """SimStreamDetector at exposure 0: every frame is written at kickoff, into two streamed keys."""

    parent = None

    def __init__(self, name, frames, shape=(4, 5)):
        self.name = name
        self.frames = frames
        self.shape = list(shape)
        self.hints = {"fields": [f"{name}_sum"]}
        self._written = 0
        self._handed = 0
        self._bundles = []
        self._announced = False

    def prepare(self, value):
        self.frames = value.get("frames", self.frames)
        return NullStatus()

    def kickoff(self):
        keys = [(self.name, self.shape), (f"{self.name}_sum", [])]
        self._bundles = [
            compose_stream_resource(
                mimetype="application/x-npy",
                uri=f"file://localhost/nowhere/{key}.npy",
                data_key=key,
                parameters={"chunk_shape": [1, *frame]},
            )
            for key, frame in keys
        ]
        self._written = self.frames
        self._handed = 0
        self._announced = False
        return NullStatus()

    def complete(self):
        return NullStatus()

    def get_index(self):
        return self._written

    def describe_collect(self):
        return {
            self.name: {
                "source": f"sim://{self.name}/image",
                "dtype": "array",
                "dtype_numpy": "<f8",
                "shape": list(self.shape),
                "external": "STREAM:",
            },
            f"{self.name}_sum": {
                "source": f"sim://{self.name}/sum",
                "dtype": "number",
                "dtype_numpy": "<f8",
                "shape": [],
                "external": "STREAM:",
            },
        }

    def collect_asset_docs(self, index=None):
        up_to = min(self._written if index is None else index, self._written)
        if up_to <= self._handed:
            return
        if not self._announced:
            self._announced = True
            for bundle in self._bundles:
                yield "stream_resource", bundle.stream_resource_doc
        for bundle in self._bundles:
            yield "stream_datum", bundle.compose_stream_datum(indices=StreamRange(start=self._handed, stop=up_to))
        self._handed = up_to

    def read_configuration(self):
        return {
            f"{self.name}_exposure": {"value": 0, "timestamp": 0},
            f"{self.name}_frames": {"value": self.frames, "timestamp": 0},
        }

    def describe_configuration(self):
        return {
            f"{self.name}_exposure": {"source": f"sim://{self.name}/exposure", "dtype": "number", "shape": []},
            f"{self.name}_frames": {"source": f"sim://{self.name}/frames", "dtype": "integer", "shape": []},
        }


class Flyer:
    """An old-style flyer: describe_collect by stream, then events (collect) or pages (collect_pages)."""

    parent = None

    def __init__(self, name, described, events=None, pages=None, assets=()):
        self.name = name
        self._described = described
        self._assets = list(assets)
        if events is not None:
            self.collect = lambda: list(events)
        if pages is not None:
            self.collect_pages = lambda: list(pages)

    def kickoff(self):
        return NullStatus()

    def complete(self):
        return NullStatus()

    def describe_collect(self):
        return self._described

    def collect_asset_docs(self):
        yield from self._assets

    def read_configuration(self):
        return {}

    def describe_configuration(self):
        return {}


class StepDet:
    """A step-scan detector streaming its frames (ophyd-async style): read() gives only the frame's
    statistic; each read hands over a StreamDatum for the one frame it took."""

    parent = None

    def __init__(self, name):
        self.name = name
        self._frames = 0
        self._bundle = None

    def stage(self):
        self._bundle = compose_stream_resource(
            mimetype="application/x-npy", uri="file://localhost/nowhere/step.npy", data_key=self.name, parameters={}
        )
        self._frames = 0
        self._announced = False
        return [self]

    def unstage(self):
        return [self]

    def trigger(self):
        self._frames += 1
        return NullStatus()

    def read(self):
        return {f"{self.name}_stat": {"value": self._frames * 10, "timestamp": self._frames}}

    def describe(self):
        return {
            self.name: {"source": "sim://step", "dtype": "array", "shape": [2, 2], "external": "STREAM:"},
            f"{self.name}_stat": {"source": "sim://step/stat", "dtype": "number", "shape": []},
        }

    def get_index(self):
        return self._frames

    def collect_asset_docs(self, index=None):
        if not self._announced:
            self._announced = True
            yield "stream_resource", self._bundle.stream_resource_doc
        yield "stream_datum", self._bundle.compose_stream_datum(
            indices=StreamRange(start=self._frames - 1, stop=self._frames)
        )


returns = []


def collected(plan):
    returns.append((yield from plan))


def single():
    det = StreamDet("det", 5, (2, 3))
    yield from bps.open_run()
    yield from bps.declare_stream(det, name="primary", collect=True)
    yield from bps.kickoff(det, wait=True)
    yield from bps.complete(det, wait=True)
    yield from collected(bps.collect(det, name="primary"))
    yield from bps.close_run()


def two_detectors():
    a, b = StreamDet("a", 4, (3, 4)), StreamDet("b", 3, (2, 2))
    yield from bps.open_run()
    yield from bps.declare_stream(a, b, name="primary", collect=True)
    yield from bps.kickoff_all(a, b)
    yield from bps.complete_all(a, b, wait=True)
    yield from collected(bps.collect(a, b, name="primary"))
    yield from collected(bps.collect(a, b))
    yield from bps.close_run()


def forgotten():
    det = StreamDet("det", 3)
    yield from bps.open_run()
    yield from bps.declare_stream(det, name="primary", collect=True)
    yield from bps.kickoff(det, wait=True)
    raise RuntimeError("the plan broke mid-scan")


def prepared():
    det = StreamDet("det", 10, shape=(2, 2))
    yield from bps.open_run()
    yield from bps.prepare(det, {"frames": 3}, wait=True)
    yield from bps.declare_stream(det, name="primary", collect=True)
    yield from bps.kickoff(det, wait=True)
    yield from bps.complete(det, wait=True)
    yield from collected(bps.collect(det, name="primary"))
    yield from bps.close_run()


PAGES = [
    {"data": {"x": [1, 2], "y": [10, 20]}, "timestamps": {"x": [5, 6], "y": [5, 6]}},
    {"data": {"x": [3, 4, 5], "y": [30, 40, 50]}, "timestamps": {"x": [7, 8, 9], "y": [7, 8, 9]}},
]


def pages():
    f = Flyer("pager", {"scan": {"x": data_key("x"), "y": data_key("y")}}, pages=PAGES)
    yield from bps.open_run()
    yield from bps.kickoff(f, wait=True)
    yield from bps.complete(f, wait=True)
    yield from collected(bps.collect(f))
    yield from bps.close_run()


def events(key, n):
    return [{"data": {key: i}, "timestamps": {key: i}, "time": i} for i in range(n)]


def shared():
    f1 = Flyer("f1", {"shared": {"a": data_key("a")}}, events=events("a", 2))
    f2 = Flyer("f2", {"shared": {"a": data_key("a")}}, events=events("a", 3))
    yield from bps.open_run()
    yield from bps.kickoff_all(f1, f2)
    yield from collected(bps.collect(f1))
    yield from collected(bps.collect(f2))
    yield from collected(bps.collect(f1))
    yield from bps.close_run()


def shared_other_keys():
    f1 = Flyer("f1", {"shared": {"a": data_key("a")}}, events=events("a", 2))
    f2 = Flyer("f2", {"shared": {"b": data_key("b")}}, events=events("b", 3))
    yield from bps.open_run()
    yield from collected(bps.collect(f1))
    yield from collected(bps.collect(f2))
    yield from bps.close_run()


def flyer_assets():
    f = Flyer(
        "imager",
        {"frames": {"img": data_key("img", external="FILESTORE:", dtype="array")}},
        events=[
            {"data": {"img": "r1/0"}, "timestamps": {"img": 1}, "filled": {"img": False}},
            {"data": {"img": "r1/1"}, "timestamps": {"img": 2}, "filled": {"img": False}},
        ],
        assets=[
            ("resource", {"uid": "r1", "spec": "NPY_SEQ", "root": "/", "resource_path": "x", "resource_kwargs": {}}),
            ("datum", {"datum_id": "r1/0", "resource": "r1", "datum_kwargs": {"index": 0}}),
            ("datum", {"datum_id": "r1/1", "resource": "r1", "datum_kwargs": {"index": 1}}),
        ],
    )
    yield from bps.open_run()
    yield from collected(bps.collect(f))
    yield from bps.close_run()


class PartialDet:
    """Streams two keys but hands over a StreamDatum for one only: bluesky refuses the collect."""

    parent = None
    name = "partial"

    def __init__(self):
        self._x = compose_stream_resource(mimetype="m", uri="file://localhost/x", data_key="x", parameters={})
        self._y = compose_stream_resource(mimetype="m", uri="file://localhost/y", data_key="y", parameters={})

    def describe_collect(self):
        return {k: data_key(k, external="STREAM:") for k in ("x", "y")}

    def get_index(self):
        return 1

    def collect_asset_docs(self, index=None):
        yield "stream_resource", self._x.stream_resource_doc
        yield "stream_resource", self._y.stream_resource_doc
        yield "stream_datum", self._x.compose_stream_datum(indices=StreamRange(start=0, stop=1))


def refused_datums():
    det = PartialDet()
    yield from bps.open_run()
    yield from bps.declare_stream(det, name="primary", collect=True)
    yield from collected(bps.collect(det))
    yield from bps.close_run()


def step_scan():
    from bluesky.plans import count

    yield from count([StepDet("step")], 2)


CASES = {
    f.__name__: f
    for f in [single, two_detectors, forgotten, prepared, pages, shared, shared_other_keys, flyer_assets, step_scan, refused_datums]
}

out = {}
for name in sys.argv[1:]:
    docs = []
    returns.clear()
    RE = RunEngine({})
    RE.subscribe(lambda n, d: docs.append([n, json.loads(json.dumps(d, default=str))]))
    error = None
    try:
        RE(CASES[name]())
    except Exception as err:
        error = str(err)
    out[name] = {"docs": docs, "returns": json.loads(json.dumps(returns, default=str)), "error": error}
print(json.dumps(out))
