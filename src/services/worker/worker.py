import os
import time

import redis

queue = redis.Redis.from_url(os.environ.get("QUEUE_URL", "redis://localhost:6379/0"))
while True:
    job = queue.blpop("orders", timeout=5)
    if job:
        print("processed", job[1].decode())
    time.sleep(0.1)
