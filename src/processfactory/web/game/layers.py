"""The Redis channel layer of the live game: a receive that ends when it is cancelled.

Channels cancels a consumer's pending ``receive`` when its socket closes. redis-py 8.2's asyncio
client sometimes swallows that cancellation: the blocking pop it interrupts (BZPOPMIN) returns
None instead of raising (9 of 300 cancellations at random moments here), so channels_redis
pops again and the receive never ends. Each such socket left a task behind that polled Redis
every five seconds for good, and an event loop that could never close (a test then hung).

The receive here runs channels_redis's in a task of its own and, once cancelled, cancels that
task again until it has ended, then raises. A message that arrives during that time is
dropped, as a cancelled receive drops it anyway: its consumer is going away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer

log = logging.getLogger(__name__)

# how long a cancelled receive is given to end before it is cancelled again (seconds)
RECANCEL_SECONDS = 0.05
# how often it is cancelled before it is left to itself (and logged)
MOST_CANCELS = 100


class RedisChannelLayer(_RedisChannelLayer):
    async def receive(self, channel: str) -> dict[str, Any]:
        pending: asyncio.Future[dict[str, Any]] = asyncio.ensure_future(super().receive(channel))
        try:
            return await asyncio.shield(pending)
        except asyncio.CancelledError:
            await cancel_until_done(pending)
            raise


async def cancel_until_done(task: asyncio.Future[Any]) -> None:
    """Cancel ``task`` until it has ended (a cancellation it swallowed is repeated)."""
    for _ in range(MOST_CANCELS):
        if task.done():
            break
        task.cancel()
        # the caller, being cancelled itself, may be cancelled again meanwhile: it raises after
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait([task], timeout=RECANCEL_SECONDS)
    if not task.done():
        log.warning("a cancelled channel-layer receive did not end after %d cancels", MOST_CANCELS)
    elif not task.cancelled():
        task.exception()  # retrieved: an error of a receive nobody waits for is not news
