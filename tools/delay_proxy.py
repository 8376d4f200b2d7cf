#!/usr/bin/python3
"""A TCP proxy that delays every byte by a one-way delay plus jitter, in each direction, keeping
order: an emulated slow link (e.g. 4G) between a device and its broker on one machine, where
netem in a network namespace is not available.

  delay_proxy.py --listen PORT --to HOST:PORT --delay-ms 60 --jitter-ms 20 [--seed 1]

Each chunk read from one side is written to the other at max(read time + delay + N(0, jitter),
the previous chunk's release time), so jitter never reorders bytes (as on a real TCP path).
Packet loss is not emulated: on TCP it shows as retransmission delay, which this proxy does not
model. Runs until killed; one line on stderr per connection.
"""

import argparse
import asyncio
import random
import sys
import time


async def pipe(reader, writer, delay, jitter, rng):
    queue = asyncio.Queue()
    last = [0.0]

    async def release():
        while True:
            at, data = await queue.get()
            if data is None:
                break
            wait = at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(release())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            at = max(time.monotonic() + max(0.0, rng.gauss(delay, jitter)), last[0])
            last[0] = at
            await queue.put((at, data))
    except ConnectionError:
        pass
    await queue.put((0, None))
    await task


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--listen", type=int, required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--delay-ms", type=float, default=60)
    ap.add_argument("--jitter-ms", type=float, default=20)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    host, port = a.to.rsplit(":", 1)
    rng = random.Random(a.seed)
    delay, jitter = a.delay_ms / 1000, a.jitter_ms / 1000

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_connection(host, int(port))
        except OSError as e:
            print(f"delay_proxy: cannot reach {a.to}: {e}", file=sys.stderr)
            cw.close()
            return
        await asyncio.gather(pipe(cr, sw, delay, jitter, rng), pipe(sr, cw, delay, jitter, rng),
                             return_exceptions=True)

    server = await asyncio.start_server(handle, "127.0.0.1", a.listen)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
