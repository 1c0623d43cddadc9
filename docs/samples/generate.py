#!/usr/bin/env python3
"""Writes the sample monitoring files in this directory, deterministically (fixed seeds).

    python3 docs/samples/generate.py

nvidia-smi-8xh100-day.csv: `nvidia-smi --query-gpu=timestamp,index,name,utilization.gpu,memory.used,
memory.total --format=csv -l 300` on an 8×H100 host for one day (288 samples per GPU, 2,304 rows;
five-minute steps keep the file small enough to ship inside the app).
  GPUs 0-3: one training job, 07:00-23:00, 85-98% busy with short stalls (data loading, checkpoints
            every 30 min), 62-70 GiB held while it runs.
  GPUs 4-5: a development inference server, 09:00-19:00, 15-60% busy; its model (28 GiB) stays loaded.
  GPUs 6-7: notebooks, mostly idle with a few short bursts in office hours, 3-7 GiB.
  Every GPU idles 23:00-07:00.

dcgm-4xa100-week.csv: a Prometheus export of dcgm-exporter's DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_FB_USED
and DCGM_FI_DEV_FB_FREE at 15-minute steps for one week (Monday 2024-05-06 to Sunday, UTC) on a
4×A100-80GB inference node (672 samples per GPU, 2,688 rows).
  GPUs 0-1: the main model's replicas, busy in business hours (08:00-19:00 on weekdays, peaking at
            midday), 31 GiB loaded around the clock.
  GPU 2:    a small model, 10-25% busy in business hours, 14 GiB.
  GPU 3:    a warm standby replica of the small model: 0-2%, 14 GiB.
"""

import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
H100_TOTAL_MIB = 81559
A100_TOTAL_MIB = 81920
GIB = 1024  # MiB


def nvidia_smi_day():
    rng = random.Random(20240501)
    rows = ["timestamp, index, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]"]
    for minute in range(0, 24 * 60, 5):
        hour = minute / 60
        for gpu in range(8):
            if gpu < 4:
                running = 7 <= hour < 23
                stall = minute % 30 == 0 or rng.random() < 0.03
                if running:
                    util = rng.randint(0, 8) if stall else rng.randint(85, 98)
                    mem = 62 * GIB + rng.randint(0, 8 * GIB)
                else:
                    util, mem = (0, 3)
            elif gpu < 6:
                mem = 28 * GIB + rng.randint(0, 512)
                if 9 <= hour < 19:
                    # Heavier around midday.
                    base = 15 + 45 * math.sin(math.pi * (hour - 9) / 10)
                    util = max(0, min(100, int(base + rng.gauss(0, 8))))
                else:
                    util = 0
            else:
                mem = 3 * GIB + rng.randint(0, 4 * GIB)
                burst = 10 <= hour < 17 and rng.random() < 0.02
                util = rng.randint(20, 45) if burst else rng.choice([0, 0, 0, 0, 1, 2])
            stamp = "2024/05/01 %02d:%02d:00.%03d" % (minute // 60, minute % 60, 100 + 7 * gpu)
            rows.append(
                "%s, %d, NVIDIA H100 80GB HBM3, %d %%, %d MiB, %d MiB"
                % (stamp, gpu, util, mem, H100_TOTAL_MIB)
            )
    return rows


def dcgm_week():
    rng = random.Random(20240506)
    rows = ["timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED,DCGM_FI_DEV_FB_FREE"]
    for step in range(7 * 24 * 4):
        day, quarter = divmod(step, 96)
        hour = quarter / 4
        business = day < 5 and 8 <= hour < 19
        for gpu in range(4):
            if gpu < 2:
                used = 31 * GIB + rng.randint(0, 256)
                if business:
                    util = 25 + 50 * math.sin(math.pi * (hour - 8) / 11) + rng.gauss(0, 6)
                else:
                    util = rng.choice([0, 0, 1])
            elif gpu == 2:
                used = 14 * GIB + rng.randint(0, 128)
                util = rng.uniform(10, 25) if business else rng.choice([0, 0, 1])
            else:
                used = 14 * GIB + rng.randint(0, 64)
                util = rng.choice([0, 0, 1, 2])
            util = max(0, min(100, int(round(util))))
            stamp = "2024-05-%02dT%02d:%02d:00Z" % (6 + day, quarter // 4, 15 * (quarter % 4))
            rows.append("%s,%d,%d,%d,%d" % (stamp, gpu, util, used, A100_TOTAL_MIB - used))
    return rows


def write(name, rows):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    write("nvidia-smi-8xh100-day.csv", nvidia_smi_day())
    write("dcgm-4xa100-week.csv", dcgm_week())
