"""Resume cost, through the stack: re-dub one language from `dubbed_speech` (`POST
/v1/jobs/{id}/retry`) against dubbing that language from scratch (resuming it from
`translation`, its first stage) and against the whole job; and the proof that resuming redoes
neither the transcript nor any other language (attempt counts and artifact hashes)."""

import time

from bench.core import Figure
from bench.live import FollowedJob, LiveStack
from resources import keys
from resources.stages import resume_plan
from resources.storage import MediaStore

FAMILY = "5 resume"
LANG = "es"


def _retry(live: LiveStack, job_id: str, stage: str) -> FollowedJob:
    t0 = time.time()
    live.client.retry(job_id, stage, [LANG])
    return live.follow(job_id, t0)


def _unchanged_keys(job: str, langs: list[str]) -> list[str]:
    others = [lang for lang in langs if lang != LANG]
    return [
        keys.transcript(job),
        keys.translation(job, LANG),
        *(keys.speech(job, lang) for lang in others),
        *(keys.mix(job, lang) for lang in others),
    ]


def run_family(live: LiveStack, whole: FollowedJob) -> list[Figure]:
    """Resume `whole` (a succeeded job with several languages), then re-dub LANG from scratch."""
    job = whole.job["id"]
    langs = [lang["language"] for lang in whole.job["languages"]]
    store = MediaStore(root=str(live.stack.data_dir / "storage"))
    hashes = {key: store.sha256(key) for key in _unchanged_keys(job, langs)}
    before = whole.attempts()

    resumed = _retry(live, job, "dubbed_speech")
    redone = {key for key, count in resumed.attempts().items() if count != before[key]}
    expected = {(LANG, stage) for stage in resume_plan("dubbed_speech")[1]}
    changed = [key for key, digest in hashes.items() if store.sha256(key) != digest]
    if redone != expected or changed:
        raise AssertionError(f"resume redid {sorted(redone)} (expected {sorted(expected)}), "
                             f"changed {changed}")  # fmt: skip
    scratch = _retry(live, job, "translation")

    proof = f"redid only {LANG}: {', '.join(stage for _, stage in sorted(expected))}; " + (
        "transcript and other languages' artifacts unchanged"
    )
    return [
        Figure(
            FAMILY,
            f"resume from dubbed_speech ({LANG}) / that language from scratch",
            round(resumed.wall_s / scratch.wall_s, 3),
            "x",
            note=f"{resumed.wall_s:.1f} s / {scratch.wall_s:.1f} s",
            detail={"resume_s": round(resumed.wall_s, 2), "language_s": round(scratch.wall_s, 2)},
        ),
        Figure(
            FAMILY,
            f"resume from dubbed_speech ({LANG}) / whole job ({len(langs)} languages)",
            round(resumed.wall_s / whole.wall_s, 3),
            "x",
            note=proof,
            detail={"resume_s": round(resumed.wall_s, 2), "job_s": round(whole.wall_s, 2)},
        ),
    ]
