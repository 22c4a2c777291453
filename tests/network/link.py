"""A link between laptops and a hub on the loopback: TLS passes through untouched, paced to a
bit rate each way if asked (a 2G or 3G uplink), and cut once after a number of bytes in either
direction (a signal lost in the hills). Used by the hub's tests and benchmarks."""

from __future__ import annotations

import asyncio
import threading
import time


class Pacer:
    """One direction of a link of `bps` bits per second, shared by its connections."""

    def __init__(self, bps: float | None) -> None:
        self.bps = bps
        self.free_at = 0.0

    async def wait(self, n: int) -> None:
        if not self.bps:
            return
        now = time.monotonic()
        self.free_at = max(self.free_at, now) + n * 8 / self.bps
        await asyncio.sleep(self.free_at - now)


class Proxy:
    """127.0.0.1:port -> the hub, TLS passing through untouched. `cut_after`: once the link
    has carried that many bytes towards the hub, every connection is reset (once);
    `cut_down_after` the same for bytes coming back."""

    CHUNK = 8192

    def __init__(self, target_port: int, bps: float | None = None) -> None:
        self.target_port = target_port
        self.up_link, self.down_link = Pacer(bps), Pacer(bps)
        self.up = self.down = 0
        self.cut_after: int | None = None
        self.cut_down_after: int | None = None
        self.cuts = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def __enter__(self) -> Proxy:
        self._thread.start()
        server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        ).result()
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            self._server.close()
            for w in list(self._writers):
                w.transport.abort()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def counted(self) -> tuple[int, int]:
        return self.up, self.down

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            hub_r, hub_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.transport.abort()
            return
        pair = {client_w, hub_w}
        self._writers |= pair
        try:
            await asyncio.gather(
                self._pump(client_r, hub_w, self.up_link, True, pair),
                self._pump(hub_r, client_w, self.down_link, False, pair),
            )
        finally:
            self._writers -= pair
            for w in pair:
                w.transport.abort()

    def _cut(self, upward: bool, data: bytes, writer: asyncio.StreamWriter) -> bool:
        """At the cut: the bytes up to it pass, then every connection is reset."""
        limit, done = (self.cut_after, self.up) if upward else (self.cut_down_after, self.down)
        if limit is None or done + len(data) < limit:
            return False
        writer.write(data[: limit - done])
        if upward:
            self.cut_after, self.up = None, limit
        else:
            self.cut_down_after, self.down = None, limit
        self.cuts += 1
        for w in list(self._writers):
            w.transport.abort()
        return True

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        link: Pacer,
        upward: bool,
        pair: set[asyncio.StreamWriter],
    ) -> None:
        try:
            while data := await reader.read(self.CHUNK):
                if self._cut(upward, data, writer):
                    return
                await link.wait(len(data))
                writer.write(data)
                await writer.drain()
                if upward:
                    self.up += len(data)
                else:
                    self.down += len(data)
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            for w in pair:
                w.transport.abort()
