"""The Redis channel layer (``PF_REDIS_URL``): an idle socket stays open.

Run in the PostgreSQL/Redis variant of the web tests (``.ci/run``); skipped without Redis.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.skipif(
    not os.environ.get("PF_REDIS_URL"), reason="needs Redis (set PF_REDIS_URL)"
)


@pytest.mark.slow
def test_an_idle_receive_outlasts_the_blocking_read() -> None:
    """A consumer waits on its channel longer than one blocking read on the server (5 s):
    with redis-py 8's default 5-second socket timeout that wait failed and closed the
    socket; here it only ends when a message comes."""

    async def body() -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        waiting = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(7)
        assert not waiting.done(), waiting.exception()
        await layer.send(channel, {"type": "game.changed"})
        assert (await asyncio.wait_for(waiting, 5))["type"] == "game.changed"

    # a loop of its own, in a thread of its own (the browser tests' loop may run in this one)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, body()).result()
