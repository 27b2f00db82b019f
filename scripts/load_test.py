"""Bounded load test of `kb serve` on the loopback interface.

Starts the server on 127.0.0.1 (or uses --url), then for 1, 4 and 16 concurrent clients sends
a fixed number of /ask requests (seed questions, round-robin), stopping early at the time
limit. Prints throughput, p50/p95/p99 latency and errors per level. Then the noisy-neighbour
case: one client asking seed questions alone, and again while 4 clients send 1,000-character
questions; its p50 under that load should stay within 3x its p50 alone. Loopback only.

    python scripts/load_test.py --index index --requests 200 --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed_questions.jsonl"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kb", "serve", "--index", index, "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    sys.exit("server did not start")


def run_level(url: str, clients: int, requests: int, time_limit: float, mode: str) -> dict:
    questions = [json.loads(line)["query"] for line in QUESTIONS.open(encoding="utf-8")]
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + time_limit

    def client(worker: int) -> None:
        nonlocal errors
        with httpx.Client(timeout=30) as http:
            for i in range(worker, requests, clients):
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                try:
                    response = http.post(f"{url}/ask", json={"question": questions[i % len(questions)], "mode": mode})
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                errors += not ok

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50": np.percentile(ms, 50),
        "p95": np.percentile(ms, 95),
        "p99": np.percentile(ms, 99),
    }


def noisy_neighbours(url: str, requests: int, neighbours: int, mode: str) -> tuple[float, float, int]:
    """p50 (ms) of one client's seed questions alone, then while `neighbours` clients keep
    sending 1,000-character questions; and how many of those were answered meanwhile."""
    seed = "".join(json.loads(line)["query"] for line in QUESTIONS.open(encoding="utf-8")) * 3
    busy = threading.Event()
    answered = 0

    def neighbour() -> None:
        nonlocal answered
        with httpx.Client(timeout=120) as http:
            while not busy.is_set():
                start = (answered * 37) % 1000  # a different question each time: nothing cached helps
                response = http.post(f"{url}/ask", json={"question": seed[start : start + 1000], "mode": mode})
                answered += response.status_code == 200

    alone = run_level(url, 1, requests, 120, mode)["p50"]
    with ThreadPoolExecutor(neighbours) as pool:
        for _ in range(neighbours):
            pool.submit(neighbour)
        time.sleep(1.0)  # let the neighbours fill the server
        try:
            loaded = run_level(url, 1, requests, 120, mode)["p50"]
        finally:
            busy.set()
    return alone, loaded, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", default="index")
    parser.add_argument("--url", help="an already running server on this machine (default: start one)")
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per level at most")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--levels", type=int, nargs="*", default=[1, 4, 16], help="concurrency levels")
    parser.add_argument("--neighbours", type=int, default=4, help="clients sending 1,000-character questions")
    args = parser.parse_args()
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("load tests only target this machine (127.0.0.1/localhost)")
    process, url = (None, args.url) if args.url else start_server(args.index)
    try:
        httpx.post(f"{url}/ask", json={"question": "营销"}, timeout=30)  # warm
        print(f"{'clients':>7}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
        for clients in args.levels:
            r = run_level(url, clients, args.requests, args.time_limit, args.mode)
            print(
                f"{r['clients']:>7}{r['requests']:>9}{r['errors']:>7}{r['rps']:>8.1f}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['p99']:>8.1f}"
            )
        if args.neighbours:
            alone, loaded, answered = noisy_neighbours(url, min(args.requests, 60), args.neighbours, args.mode)
            print(
                f"one client, p50: alone {alone:.1f} ms; with {args.neighbours} clients sending 1,000-character "
                f"questions {loaded:.1f} ms ({loaded / alone:.1f}x; target <= 3x); {answered} long ones answered"
            )
    finally:
        if process:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
