"""The stdin protocol the bench/ioc.ts IOCs share: `mark` starts the window, `stats` prints its figures.

CPU is time.process_time(): the whole process, every thread of it (RSRV's C threads for softioc).
"""
import json
import os
import sys
import threading
import time


class Window:
    def __init__(self, count):
        self.count = count
        self.ticks = 0
        self._marks = (time.process_time(), time.perf_counter(), 0)

    def serve_stdin(self):
        def loop():
            for line in sys.stdin:
                command = line.strip()
                if command == 'mark':
                    self._marks = (time.process_time(), time.perf_counter(), self.ticks)
                elif command == 'stats':
                    c0, w0, t0 = self._marks
                    ticks = self.ticks - t0
                    out = {
                        'cpu_s': time.process_time() - c0,
                        'wall_s': time.perf_counter() - w0,
                        'ticks': ticks,
                        'posts': ticks * self.count,
                    }
                    sys.stdout.write(json.dumps(out) + '\n')
                    sys.stdout.flush()
            os._exit(0)  # stdin closed: the bench is done with us

        threading.Thread(target=loop, daemon=True).start()


def ready():
    sys.stdout.write(json.dumps({'ready': True}) + '\n')
    sys.stdout.flush()
