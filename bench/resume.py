"""Resume cost, through the stack: re-dub one language from `dubbed_speech` (`POST
/v1/jobs/{id}/retry`) against dubbing that language from scratch (resuming it from
`translation`, its first stage) and against the whole job; and the proof that resuming redoes
neither the transcript nor any other language (attempt counts and artifact hashes)."""

import time

from bench.core import Figure, alternate, median, ratio_figure
from bench.live import FollowedJob, LiveStack
from dubbing_core import keys
from dubbing_core.stages import resume_plan
from resources.storage import MediaStore

FAMILY = "5 resume"
LANG = "es"
# Each retry waits on the sensor daemon's 5 s loop: medians of alternated retries.
ROUNDS = 2


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
    """Alternately resume LANG of `whole` (a succeeded job with several languages) from
    dubbed_speech and re-dub it from scratch; check every resume redid only its stages."""
    job = whole.job["id"]
    langs = [lang["language"] for lang in whole.job["languages"]]
    store = MediaStore(root=str(live.stack.data_dir / "storage"))
    hashes = {key: store.sha256(key) for key in _unchanged_keys(job, langs)}
    expected = {(LANG, stage) for stage in resume_plan("dubbed_speech")[1]}

    def resume() -> float:
        before = FollowedJob(live.client.job(job), 0.0, 0.0).attempts()
        resumed = _retry(live, job, "dubbed_speech")
        redone = {key for key, count in resumed.attempts().items() if count != before[key]}
        changed = [key for key, digest in hashes.items() if store.sha256(key) != digest]
        if redone != expected or changed:
            raise AssertionError(f"resume redid {sorted(redone)} (expected {sorted(expected)}), "
                                 f"changed {changed}")  # fmt: skip
        return resumed.wall_s

    seconds = alternate(
        {"resume": resume, "language": lambda: _retry(live, job, "translation").wall_s},
        times=ROUNDS,
    )
    stages = ", ".join(stage for _, stage in sorted(expected))
    proof = (
        f"checked: each resume redid {LANG}'s {stages} only; transcript, other languages unchanged"
    )
    resume_s = median(seconds["resume"])
    return [
        ratio_figure(
            FAMILY,
            f"resume from dubbed_speech ({LANG}) / that language from scratch",
            seconds,
            "resume",
            "language",
            note=f"median of {ROUNDS}, alternated",
        ),
        Figure(
            FAMILY,
            f"resume from dubbed_speech ({LANG}) / whole job ({len(langs)} languages)",
            round(resume_s / whole.wall_s, 3),
            "x",
            note=proof,
            detail={"resume_s": round(resume_s, 2), "job_s": round(whole.wall_s, 2)},
        ),
    ]
