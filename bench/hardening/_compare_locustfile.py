"""One path (``COMPARE_PATH``) fetched as fast as the users can: the throughput
half of the load drill, run once per endpoint and round by ``load.py``."""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("COMPARE_PATH", "/")


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def read(self) -> None:
        self.client.get(PATH, name=PATH)
