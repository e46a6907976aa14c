"""The Redis channel layer (``PF_REDIS_URL``): an idle socket stays open, and a cancelled
receive ends.

The tests on a real Redis run in the PostgreSQL/Redis variant of the web tests (``.ci/run``);
they are skipped without Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from typing import Any

import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer as ChannelsRedisLayer

from processfactory.web.game.layers import RedisChannelLayer
from web.game.conftest import in_own_loop

needs_redis = pytest.mark.skipif(
    not os.environ.get("PF_REDIS_URL"), reason="needs Redis (set PF_REDIS_URL)"
)


async def stubborn_receive(self: Any, channel: str) -> dict[str, Any]:
    """A receive that swallows its first cancellation, as redis-py's blocking pop may."""
    with contextlib.suppress(asyncio.CancelledError):  # the pop "returned nothing": pop again
        await asyncio.sleep(60)
    await asyncio.sleep(60)
    return {"type": "never"}


def test_a_cancelled_receive_ends_although_the_first_cancellation_is_swallowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ChannelsRedisLayer, "receive", stubborn_receive)

    async def cancelled_receive_ends(layer: ChannelsRedisLayer) -> bool:
        receiving = asyncio.ensure_future(layer.receive("specific.x!y"))
        await asyncio.sleep(0.01)
        receiving.cancel()
        done, _ = await asyncio.wait([receiving], timeout=1)
        if not done:
            receiving.cancel()  # the second one ends it (and the loop can close)
            await asyncio.wait([receiving])
        return bool(done) and receiving.cancelled()

    async def body() -> None:
        address = {"address": "redis://127.0.0.1:1/0"}  # never reached
        assert await cancelled_receive_ends(RedisChannelLayer(hosts=[address]))
        # channels_redis's own receive stays (the test would fail if the stand-in did not)
        assert not await cancelled_receive_ends(ChannelsRedisLayer(hosts=[address]))
        left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert left == []

    in_own_loop(body)


@needs_redis
def test_receives_cancelled_at_any_moment_all_end_and_a_message_still_arrives() -> None:
    """Cancelled at random moments, redis-py swallowed about one cancellation in 40 here."""
    rng = random.Random(7)

    async def body() -> None:
        layer = get_channel_layer()
        assert isinstance(layer, RedisChannelLayer)
        for _ in range(120):
            channel = await layer.new_channel()
            receiving = asyncio.ensure_future(layer.receive(channel))
            await asyncio.sleep(rng.uniform(0, 0.03))
            receiving.cancel()
            done, _ = await asyncio.wait([receiving], timeout=3)
            assert done and receiving.cancelled()
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await layer.send(channel, {"type": "game.changed"})
        assert (await asyncio.wait_for(receiving, 5))["type"] == "game.changed"

    in_own_loop(body)


@needs_redis
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

    in_own_loop(body)
