"""Compose against local: the same end-to-end job (the compose smoke's sample, into the same
languages) on the compose stack (PostgreSQL, the S3 server, every run in a container of its
own: `scripts/smoke.sh`, docs/deployment.md) and on the local stack (processes, SQLite, local
files), from upload complete to succeeded, as a ratio. The smoke runs first (its image build is
cached, and not timed here), then the local stack over the very file the smoke dubbed. The
smoke transcribes with the default Whisper here, as the local stack does (on its own it takes
the tiny English one).

Opt-in (`python -m bench --only compose`): it needs Docker, and a cold image build."""

import json
import os
import subprocess
from pathlib import Path

from bench.core import ROOT, Figure, ratio_figure, say
from bench.live import live_stack

FAMILY = "13 compose vs local"
SOURCE = "en"


def run_family(work: Path) -> list[Figure]:
    artifacts = work / "smoke"
    say("13: the compose smoke (images, stack, one job, a killed run resumed)")
    subprocess.run(
        [ROOT / "scripts" / "smoke.sh"],
        cwd=ROOT,
        env={**os.environ, "SMOKE_ARTIFACTS": str(artifacts), "SMOKE_ASR_MODEL": "whisper-base"},
        check=True,
    )
    report = json.loads((artifacts / "report.json").read_text())
    languages = report["job"]["languages"]
    say(f"13: the same job on the local stack ({','.join(languages)})")
    with live_stack(work / "local-stack") as live:
        local = live.dub(artifacts / "sample_en.mp4", languages, SOURCE)
    seconds = {"compose": [report["job"]["wall_s"]], "local": [local.wall_s]}
    sizes = {image: round(size / 2**20) for image, size in report["images_bytes"].items()}
    return [
        ratio_figure(
            FAMILY,
            f"one job into {','.join(languages)} ({report['job']['media_s']} s of media): "
            "compose / local",
            seconds,
            "compose",
            "local",
            note="one job each",
            compose_runs=report["job"]["runs"],
            stack_ready_s=report["stack_ready_s"],
            images_mib=sizes,
        )
    ]
